import { pytorchActivationDict } from './lowering/activations';

/**
 * Python helper definitions the generated PyTorch model.py includes on demand. Tensors stay
 * channels-last as in Keras (`[batch, height, width, channels]`), so Flatten, Reshape and
 * Dense see the same element order as in Netwright; convolutions and pools permute around torch's
 * channels-first ops.
 */

export const PY_HELPERS: Readonly<Record<string, { readonly needs?: readonly string[]; readonly code: string }>> = {
  activations: { code: `\n${pytorchActivationDict()}` },
  samePads: {
    code: `
def same_pads(size, kernel, stride, dilation=1):
    """TensorFlow's 'same' padding along one axis: (before, after), the odd one after."""
    k = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2`,
  },
  conv2d: {
    needs: ['samePads'],
    code: `
def conv2d_nhwc(x, same, *convs):
    """Applies torch Conv2d modules (one, or depthwise then pointwise) to a channels-last image."""
    x = x.permute(0, 3, 1, 2)
    first = convs[0]
    if same:
        top, bottom = same_pads(x.shape[2], first.kernel_size[0], first.stride[0], first.dilation[0])
        left, right = same_pads(x.shape[3], first.kernel_size[1], first.stride[1], first.dilation[1])
        x = F.pad(x, (left, right, top, bottom))
    for conv in convs:
        x = conv(x)
    return x.permute(0, 2, 3, 1)`,
  },
  conv1d: {
    needs: ['samePads'],
    code: `
def conv1d_nlc(x, conv, same):
    """Applies a torch Conv1d to a channels-last sequence [batch, steps, channels]."""
    x = x.permute(0, 2, 1)
    if same:
        x = F.pad(x, same_pads(x.shape[2], conv.kernel_size[0], conv.stride[0], conv.dilation[0]))
    return conv(x).permute(0, 2, 1)`,
  },
  convTranspose2d: {
    code: `
def conv_transpose2d_nhwc(deconv, x, same):
    """A torch ConvTranspose2d on a channels-last image, cut to Keras's output size."""
    h, w = x.shape[1], x.shape[2]
    (kh, kw), (sh, sw) = deconv.kernel_size, deconv.stride
    y = deconv(x.permute(0, 3, 1, 2))
    if same:
        out_h, out_w, top, left = h * sh, w * sw, max(kh - sh, 0) // 2, max(kw - sw, 0) // 2
    else:
        out_h, out_w, top, left = h * sh + max(kh - sh, 0), w * sw + max(kw - sw, 0), 0, 0
    y = F.pad(y, (0, max(left + out_w - y.shape[3], 0), 0, max(top + out_h - y.shape[2], 0)))
    return y[:, :, top:top + out_h, left:left + out_w].permute(0, 2, 3, 1)`,
  },
  pool: {
    needs: ['samePads'],
    code: `
def pool_nhwc(x, kind, pool, strides, same):
    """Keras's max/average pooling over the middle axes of a channels-last tensor (1-D or 2-D)."""
    dims = x.dim() - 2
    x = x.movedim(-1, 1)
    pads = ()
    if same:
        for i in reversed(range(dims)):
            pads += same_pads(x.shape[2 + i], pool[i], strides[i])
    if kind == "max":
        fn = F.max_pool1d if dims == 1 else F.max_pool2d
        y = fn(F.pad(x, pads, value=float("-inf")) if same else x, pool, strides)
    else:
        fn = F.avg_pool1d if dims == 1 else F.avg_pool2d
        if same:  # the average of the values inside the image only, as TensorFlow does
            ones = torch.ones_like(x[:, :1])
            y = fn(F.pad(x, pads), pool, strides) / fn(F.pad(ones, pads), pool, strides)
        else:
            y = fn(x, pool, strides)
    return y.movedim(1, -1)`,
  },
  batchNorm: {
    code: `
class BatchNorm(nn.Module):
    """Keras's BatchNormalization over the last (channels) axis, with Keras's momentum."""

    def __init__(self, channels, epsilon=1e-3, momentum=0.99, center=True, scale=True):
        super().__init__()
        self.epsilon, self.momentum = epsilon, momentum
        self.gamma = nn.Parameter(torch.ones(channels)) if scale else None
        self.beta = nn.Parameter(torch.zeros(channels)) if center else None
        self.register_buffer("moving_mean", torch.zeros(channels))
        self.register_buffer("moving_variance", torch.ones(channels))

    def forward(self, x):
        if self.training:
            dims = tuple(range(x.dim() - 1))
            mean, var = x.mean(dims), x.var(dims, unbiased=False)
            with torch.no_grad():
                self.moving_mean.mul_(self.momentum).add_((1 - self.momentum) * mean)
                self.moving_variance.mul_(self.momentum).add_((1 - self.momentum) * var)
        else:
            mean, var = self.moving_mean, self.moving_variance
        y = (x - mean) * torch.rsqrt(var + self.epsilon)
        if self.gamma is not None:
            y = y * self.gamma
        if self.beta is not None:
            y = y + self.beta
        return y`,
  },
  noise: {
    code: `
class GaussianNoise(nn.Module):
    """Adds N(0, stddev) noise while training; nothing at inference."""

    def __init__(self, stddev):
        super().__init__()
        self.stddev = stddev

    def forward(self, x):
        return x + torch.randn_like(x) * self.stddev if self.training else x


class SpatialDropout(nn.Module):
    """Drops whole channels (last axis) while training; nothing at inference."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        keep = torch.rand(x.shape[0], *([1] * (x.dim() - 2)), x.shape[-1], device=x.device) >= self.rate
        return x * keep / (1 - self.rate)`,
  },
  augment: {
    code: `
class RandomFlip(nn.Module):
    """Keras's RandomFlip: in train(), each image mirrored left-right and/or upside down with probability 1/2; identity in eval()."""

    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, x):
        if not self.training:
            return x
        for axis, on in ((2, self.mode != "vertical"), (1, self.mode != "horizontal")):
            if on:
                flip = (torch.rand(x.shape[0], 1, 1, 1, device=x.device) < 0.5).to(x.dtype)
                x = flip * torch.flip(x, dims=(axis,)) + (1 - flip) * x
        return x


class RandomAffine(nn.Module):
    """Keras's RandomRotation, RandomZoom and RandomTranslation (channels last) in train(), drawn per image as
    Keras draws them and sampled with grid_sample (fill modes: reflect and wrap become reflection, nearest
    becomes border, constant pads with the fill value); identity in eval()."""

    def __init__(self, kind, height_factor, width_factor, fill_mode, interpolation, fill_value):
        super().__init__()
        self.kind, self.hf, self.wf = kind, height_factor, width_factor
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value

    def forward(self, x):
        if not self.training:
            return x
        b, h, w, _ = x.shape
        u = lambda lo, hi: lo + (hi - lo) * torch.rand(b, device=x.device)
        one, zero = torch.ones(b, device=x.device), torch.zeros(b, device=x.device)
        cx, cy = (w - 1) / 2, (h - 1) / 2
        if self.kind == "rotation":
            t = u(-self.hf, self.hf) * 2 * math.pi
            a0, a1, b0, b1 = torch.cos(t), -torch.sin(t), torch.sin(t), torch.cos(t)
            a2, b2 = cx - cx * a0 - cy * a1, cy - cx * b0 - cy * b1
        elif self.kind == "zoom":
            zy, zx = 1 + u(-self.hf, self.hf), 1 + u(-self.wf, self.wf)
            a0, a1, b0, b1 = zx, zero, zero, zy
            a2, b2 = cx * (1 - zx), cy * (1 - zy)
        else:
            a0, a1, b0, b1 = one, zero, zero, one
            a2, b2 = -u(-self.wf, self.wf) * w, -u(-self.hf, self.hf) * h
        ys, xs = torch.meshgrid(torch.arange(h, device=x.device, dtype=x.dtype), torch.arange(w, device=x.device, dtype=x.dtype), indexing="ij")
        sx = a0[:, None, None] * xs + a1[:, None, None] * ys + a2[:, None, None]
        sy = b0[:, None, None] * xs + b1[:, None, None] * ys + b2[:, None, None]
        grid = torch.stack((2 * sx / max(w - 1, 1) - 1, 2 * sy / max(h - 1, 1) - 1), dim=-1)
        padding = {"reflect": "reflection", "wrap": "reflection", "nearest": "border", "constant": "zeros"}[self.fill_mode]
        mode = "bilinear" if self.interpolation == "bilinear" else "nearest"
        y = F.grid_sample((x - self.fill_value).permute(0, 3, 1, 2), grid, mode=mode, padding_mode=padding, align_corners=True)
        return y.permute(0, 2, 3, 1) + self.fill_value


class RandomContrast(nn.Module):
    """Keras 3's RandomContrast: in train(), (x - mean) * c + mean per image, c uniform in [1, 1 + factor], clipped; identity in eval()."""

    def __init__(self, factor, value_range):
        super().__init__()
        self.factor, self.value_range = factor, value_range

    def forward(self, x):
        if not self.training:
            return x
        c = 1 + self.factor * torch.rand(x.shape[0], 1, 1, 1, device=x.device)
        mean = x.mean(dim=(1, 2), keepdim=True)
        return ((x - mean) * c + mean).clamp(self.value_range[0], self.value_range[1])


class RandomCrop(nn.Module):
    """Keras's RandomCrop: in train(), one random height x width window of the batch; in eval(), the centred
    window of that aspect ratio resized to height x width (bilinear, half-pixel centres)."""

    def __init__(self, height, width):
        super().__init__()
        self.height, self.width = height, width

    def forward(self, x):
        h, w = x.shape[1], x.shape[2]
        if self.training and h > self.height and w > self.width:
            top = int(torch.randint(0, h - self.height + 1, ()))
            left = int(torch.randint(0, w - self.width + 1, ()))
            return x[:, top:top + self.height, left:left + self.width, :]
        ch = max(min(h, int(w * self.height / self.width)), 1)
        cw = max(min(w, int(h * self.width / self.height)), 1)
        top, left = (h - ch) // 2, (w - cw) // 2
        x = x[:, top:top + ch, left:left + cw, :]
        if (ch, cw) == (self.height, self.width):
            return x
        y = F.interpolate(x.permute(0, 3, 1, 2), size=(self.height, self.width), mode="bilinear", align_corners=False)
        return y.permute(0, 2, 3, 1)


class GaussianDropout(nn.Module):
    """Keras's GaussianDropout: in train(), x times N(1, rate / (1 - rate)) noise; identity in eval()."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        return x * (1 + torch.randn_like(x) * math.sqrt(self.rate / (1 - self.rate)))`,
  },
  glorot: {
    code: `
def glorot_(p, fan_in, fan_out):
    """Keras's glorot_uniform initializer for a weight of any shape."""
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        p.uniform_(-limit, limit)
    return p`,
  },
  rnn: {
    needs: ['activations', 'glorot'],
    code: `
class Recurrent(nn.Module):
    """Keras's SimpleRNN, LSTM (gates i, f, c, o) and GRU (gates z, r, h) with Keras's weight layout:
    kernel [features, gates*units], recurrent_kernel [units, gates*units], bias [gates*units]
    (GRU with reset_after: [2, 3*units], input then recurrent bias). Input [batch, time, features]."""

    GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}

    def __init__(self, kind, features, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 return_sequences=False, go_backwards=False, reset_after=True, dropout=0.0, recurrent_dropout=0.0):
        super().__init__()
        g = self.GATES[kind]
        self.kind, self.units, self.return_sequences, self.go_backwards = kind, units, return_sequences, go_backwards
        self.reset_after = kind == "GRU" and reset_after
        self.act, self.rec_act = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
        self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
        self.kernel = glorot_(nn.Parameter(torch.empty(features, g * units)), features, g * units)
        self.recurrent_kernel = nn.Parameter(torch.empty(units, g * units))
        for i in range(g):
            nn.init.orthogonal_(self.recurrent_kernel.data[:, i * units:(i + 1) * units])
        self.bias = None
        if use_bias:
            self.bias = nn.Parameter(torch.zeros((2, g * units) if self.reset_after else (g * units,)))
            if kind == "LSTM":
                self.bias.data[units:2 * units] = 1.0  # Keras's unit_forget_bias

    def forward(self, x):
        b, t, f = x.shape
        if self.training and self.dropout > 0:
            x = x * F.dropout(x.new_ones(b, 1, f), self.dropout)
        xw = x @ self.kernel
        rb = None
        if self.bias is not None:
            xw = xw + (self.bias[0] if self.reset_after else self.bias)
            rb = self.bias[1] if self.reset_after else None
        u = self.units
        rk = self.recurrent_kernel
        rdrop = F.dropout(x.new_ones(b, u), self.recurrent_dropout) if self.training and self.recurrent_dropout > 0 else None
        h = x.new_zeros(b, u)
        c = x.new_zeros(b, u)
        outputs = []
        for i in (range(t - 1, -1, -1) if self.go_backwards else range(t)):
            xt = xw[:, i]
            hd = h * rdrop if rdrop is not None else h
            if self.kind == "SimpleRNN":
                h = self.act(xt + hd @ rk)
            elif self.kind == "LSTM":
                gi, gf, gc, go = (xt + hd @ rk).chunk(4, dim=1)
                c = self.rec_act(gf) * c + self.rec_act(gi) * self.act(gc)
                h = self.rec_act(go) * self.act(c)
            else:
                x_z, x_r, x_h = xt.chunk(3, dim=1)
                if self.reset_after:
                    inner = hd @ rk
                    if rb is not None:
                        inner = inner + rb
                    r_z, r_r, r_h = inner.chunk(3, dim=1)
                    z = self.rec_act(x_z + r_z)
                    r = self.rec_act(x_r + r_r)
                    hh = self.act(x_h + r * r_h)
                else:
                    r_z, r_r = (hd @ rk[:, :2 * u]).chunk(2, dim=1)
                    z = self.rec_act(x_z + r_z)
                    r = self.rec_act(x_r + r_r)
                    hh = self.act(x_h + (r * hd) @ rk[:, 2 * u:])
                h = z * h + (1 - z) * hh
            outputs.append(h)
        return torch.stack(outputs, dim=1) if self.return_sequences else h


class Bidirectional(nn.Module):
    """Keras's Bidirectional: the layer forwards and a copy backwards, merged."""

    def __init__(self, forward_layer, backward_layer, merge_mode="concat"):
        super().__init__()
        self.forward_layer, self.backward_layer, self.merge_mode = forward_layer, backward_layer, merge_mode

    def forward(self, x):
        a = self.forward_layer(x)
        b = self.backward_layer(x)
        if self.backward_layer.return_sequences:
            b = b.flip(1)
        if self.merge_mode == "concat":
            return torch.cat([a, b], dim=-1)
        if self.merge_mode == "sum":
            return a + b
        if self.merge_mode == "mul":
            return a * b
        return (a + b) / 2`,
  },
  attention: {
    needs: ['glorot'],
    code: `
class MultiHeadAttention(nn.Module):
    """Keras's MultiHeadAttention with its weight layout: query/key/value kernels
    [features, heads, size] and biases [heads, size]; output kernel [heads, value size, out]."""

    def __init__(self, query_dim, value_dim_in, key_dim_in, num_heads, key_dim, value_dim, output_dim, use_bias=True, dropout=0.0):
        super().__init__()
        self.key_dim = key_dim
        h = num_heads

        def weight(*shape, fan_in, fan_out):
            return glorot_(nn.Parameter(torch.empty(*shape)), fan_in, fan_out)

        def bias(*shape):
            return nn.Parameter(torch.zeros(*shape)) if use_bias else None

        self.query_kernel = weight(query_dim, h, key_dim, fan_in=query_dim, fan_out=h * key_dim)
        self.query_bias = bias(h, key_dim)
        self.key_kernel = weight(key_dim_in, h, key_dim, fan_in=key_dim_in, fan_out=h * key_dim)
        self.key_bias = bias(h, key_dim)
        self.value_kernel = weight(value_dim_in, h, value_dim, fan_in=value_dim_in, fan_out=h * value_dim)
        self.value_bias = bias(h, value_dim)
        self.output_kernel = weight(h, value_dim, output_dim, fan_in=h * value_dim, fan_out=output_dim)
        self.output_bias = bias(output_dim)
        self.dropout = nn.Dropout(dropout)

    @staticmethod
    def _project(x, kernel, bias):
        y = torch.einsum("btd,dhk->bthk", x, kernel)
        return y + bias if bias is not None else y

    def forward(self, query, value, key=None):
        key = value if key is None else key
        q = self._project(query, self.query_kernel, self.query_bias) / math.sqrt(self.key_dim)
        k = self._project(key, self.key_kernel, self.key_bias)
        v = self._project(value, self.value_kernel, self.value_bias)
        probs = self.dropout(torch.softmax(torch.einsum("bthk,bshk->bhts", q, k), dim=-1))
        y = torch.einsum("bthv,hvo->bto", torch.einsum("bhts,bshv->bthv", probs, v), self.output_kernel)
        return y + self.output_bias if self.output_bias is not None else y`,
  },
  positionalEmbedding: {
    code: `
class PositionalEmbedding(nn.Module):
    """Token embedding plus a learned position embedding (keras-hub's TokenAndPositionEmbedding)."""

    def __init__(self, vocabulary, dim, max_length):
        super().__init__()
        self.token_embedding = nn.Embedding(vocabulary, dim)
        self.position_embedding = nn.Embedding(max_length, dim)

    def forward(self, ids):
        ids = ids.long()
        return self.token_embedding(ids) + self.position_embedding.weight[: ids.shape[1]]`,
  },
  transformerEncoder: {
    needs: ['attention', 'activations'],
    code: `
class TransformerEncoder(nn.Module):
    """keras-hub's TransformerEncoder: self-attention, add & norm, feed-forward, add & norm."""

    def __init__(self, dim, num_heads, intermediate_dim, dropout=0.0, activation="relu", epsilon=1e-5, normalize_first=False):
        super().__init__()
        k = dim // num_heads
        self.attention = MultiHeadAttention(dim, dim, dim, num_heads, k, k, dim, True, dropout)
        self.attention_norm = nn.LayerNorm(dim, eps=epsilon)
        self.feedforward_norm = nn.LayerNorm(dim, eps=epsilon)
        self.intermediate = nn.Linear(dim, intermediate_dim)
        self.output_dense = nn.Linear(intermediate_dim, dim)
        self.dropout = nn.Dropout(dropout)
        self.act = ACTIVATIONS[activation]
        self.normalize_first = normalize_first

    def forward(self, x):
        y = self.attention_norm(x) if self.normalize_first else x
        y = self.dropout(self.attention(y, y)) + x
        if not self.normalize_first:
            y = self.attention_norm(y)
        f = self.feedforward_norm(y) if self.normalize_first else y
        f = self.dropout(self.output_dense(self.act(self.intermediate(f)))) + y
        if not self.normalize_first:
            f = self.feedforward_norm(f)
        return f`,
  },
};

/** The helper code for `names` and what they need, each once, in dependency order. */
export function helperCode(names: Iterable<string>): string {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const h = PY_HELPERS[name];
    if (!h) throw new Error(`unknown Python helper ${name}`);
    for (const n of h.needs ?? []) add(n);
    out.push(h.code.trim());
  };
  for (const n of names) add(n);
  return out.join('\n\n\n');
}
