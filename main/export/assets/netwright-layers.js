/**
 * netwright-layers.js: Netwright's custom TensorFlow.js layers, for loading an exported model
 * with stock TensorFlow.js (`tf.loadLayersModel`). No dependencies besides the `tf` you pass in.
 *
 *   const tf = require('@tensorflow/tfjs');         // or tfjs-node, or window.tf in a page
 *   require('./netwright-layers.js')(tf);           // registers the layers once
 *   const model = await tf.loadLayersModel('file://model/model.json');
 *
 * In a browser page loaded after tf.min.js, it registers itself with window.tf.
 *
 * Layers: MultiHeadAttention (Keras's weight layout), PositionalEmbedding (token + learned
 * position embedding), TransformerEncoder (keras-hub's block), NetwrightGRU (Keras's GRU,
 * reset_after true or false) and the activation leakyRelu (slope 0.2).
 */
/* global module, self */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory;
  else if (root && root.tf) {
    root.registerNetwrightLayers = factory;
    factory(root.tf);
  }
})(typeof self !== 'undefined' ? self : this, function registerNetwrightLayers(tf) {
  const shapeList = (s) => Array.isArray(s[0]);
  const first = (x) => (Array.isArray(x) ? x[0] : x);
  const training = (kwargs) => Boolean(kwargs && kwargs.training === true);
  const singleMask = (m) => (m instanceof tf.Tensor ? m : Array.isArray(m) && m[0] instanceof tf.Tensor ? m[0] : null);
  const glorot = () => tf.initializers.glorotUniform({});
  const zeros = () => tf.initializers.zeros();
  const ones = () => tf.initializers.ones();

  /** [..., d] x [d, a, b] + [a, b] -> [..., a, b] (Keras's EinsumDense). */
  function einsumDense(x, kernel, bias) {
    const lead = x.shape.slice(0, -1);
    const inDim = x.shape[x.shape.length - 1];
    const outDims = kernel.shape.slice(1);
    const outSize = outDims.reduce((a, b) => a * b, 1);
    let y = tf.matMul(tf.reshape(x, [-1, inDim]), tf.reshape(kernel, [inDim, outSize]));
    if (bias) y = tf.add(y, tf.reshape(bias, [outSize]));
    return tf.reshape(y, lead.concat(outDims));
  }

  /** [B, T, h, v] x [h, v, o] + [o] -> [B, T, o]. */
  function mergeHeads(x, kernel, bias) {
    const [b, t, h, v] = x.shape;
    let y = tf.matMul(tf.reshape(x, [b * t, h * v]), tf.reshape(kernel, [h * v, kernel.shape[2]]));
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [b, t, kernel.shape[2]]);
  }

  /** softmax(q kT / sqrt(k)) v over heads; keyMask [B, S] (1 = attend) or null. */
  function attention(q, k, v, keyMask, dropout, isTraining) {
    const [b, t, h, kd] = q.shape;
    const s = k.shape[1];
    const vd = v.shape[3];
    const qq = tf.reshape(tf.transpose(tf.mul(q, 1 / Math.sqrt(kd)), [0, 2, 1, 3]), [b * h, t, kd]);
    const kk = tf.reshape(tf.transpose(k, [0, 2, 1, 3]), [b * h, s, kd]);
    const vv = tf.reshape(tf.transpose(v, [0, 2, 1, 3]), [b * h, s, vd]);
    let scores = tf.matMul(qq, kk, false, true);
    if (keyMask) {
      const keep = tf.cast(tf.reshape(keyMask, [b, 1, 1, s]), 'float32');
      scores = tf.reshape(tf.add(tf.reshape(scores, [b, h, t, s]), tf.mul(tf.sub(1, keep), -1e9)), [b * h, t, s]);
    }
    let probs = tf.softmax(scores, -1);
    if (isTraining && dropout > 0) probs = tf.dropout(probs, dropout);
    return tf.transpose(tf.reshape(tf.matMul(probs, vv), [b, h, t, vd]), [0, 2, 1, 3]);
  }

  function layerNorm(x, gamma, beta, epsilon) {
    const axis = x.rank - 1;
    const centered = tf.sub(x, tf.mean(x, axis, true));
    const variance = tf.mean(tf.square(centered), axis, true);
    return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  }

  function dense(x, kernel, bias) {
    const lead = x.shape.slice(0, -1);
    const y = tf.add(tf.matMul(tf.reshape(x, [-1, x.shape[x.shape.length - 1]]), kernel), bias);
    return tf.reshape(y, lead.concat([kernel.shape[1]]));
  }

  class LeakyReluActivation extends tf.serialization.Serializable {
    apply(x) {
      return tf.leakyRelu(x, 0.2);
    }
    getConfig() {
      return {};
    }
    getClassName() {
      return 'leakyRelu';
    }
  }
  LeakyReluActivation.className = 'leakyRelu';

  class MultiHeadAttention extends tf.layers.Layer {
    constructor(config) {
      super({ name: config.name, trainable: config.trainable });
      this.numHeads = config.numHeads;
      this.keyDim = config.keyDim;
      this.valueDim = config.valueDim == null ? config.keyDim : config.valueDim;
      this.dropout = config.dropout || 0;
      this.useBias = config.useBias !== false;
      this.outputDim = config.outputShape == null ? null : config.outputShape;
      this.supportsMasking = true;
      this.w = {};
    }
    build(inputShape) {
      const shapes = shapeList(inputShape) ? inputShape : [inputShape];
      const q = shapes[0];
      const v = shapes[1] || q;
      const k = shapes[2] || v;
      const last = (s) => s[s.length - 1];
      const out = this.outputDim == null ? last(q) : this.outputDim;
      const h = this.numHeads;
      const add = (name, shape, init) => (this.w[name] = this.addWeight(name, shape, 'float32', init));
      add('query/kernel', [last(q), h, this.keyDim], glorot());
      if (this.useBias) add('query/bias', [h, this.keyDim], zeros());
      add('key/kernel', [last(k), h, this.keyDim], glorot());
      if (this.useBias) add('key/bias', [h, this.keyDim], zeros());
      add('value/kernel', [last(v), h, this.valueDim], glorot());
      if (this.useBias) add('value/bias', [h, this.valueDim], zeros());
      add('attention_output/kernel', [h, this.valueDim, out], glorot());
      if (this.useBias) add('attention_output/bias', [out], zeros());
      this.built = true;
    }
    read(name) {
      return this.w[name] ? this.w[name].read() : null;
    }
    computeOutputShape(inputShape) {
      const q = shapeList(inputShape) ? inputShape[0] : inputShape;
      return q.slice(0, -1).concat([this.outputDim == null ? q[q.length - 1] : this.outputDim]);
    }
    computeMask(inputs, mask) {
      return Array.isArray(mask) ? mask[0] || null : mask || null;
    }
    call(inputs, kwargs) {
      return tf.tidy(() => {
        const list = Array.isArray(inputs) ? inputs : [inputs];
        const query = list[0];
        const value = list[1] || query;
        const key = list[2] || value;
        let keyMask = null;
        const mask = kwargs && kwargs.mask;
        if (Array.isArray(mask)) keyMask = mask[2] || mask[1] || null;
        else if (mask instanceof tf.Tensor && (list.length === 1 || list[1] === list[0]) && (list[2] || list[0]) === list[0]) keyMask = mask;
        if (!(keyMask instanceof tf.Tensor) || keyMask.rank !== 2 || keyMask.shape[1] !== key.shape[1]) keyMask = null;
        const attended = attention(
          einsumDense(query, this.read('query/kernel'), this.read('query/bias')),
          einsumDense(key, this.read('key/kernel'), this.read('key/bias')),
          einsumDense(value, this.read('value/kernel'), this.read('value/bias')),
          keyMask,
          this.dropout,
          training(kwargs),
        );
        return mergeHeads(attended, this.read('attention_output/kernel'), this.read('attention_output/bias'));
      });
    }
    getConfig() {
      return Object.assign({}, super.getConfig(), {
        numHeads: this.numHeads,
        keyDim: this.keyDim,
        valueDim: this.valueDim,
        dropout: this.dropout,
        useBias: this.useBias,
        outputShape: this.outputDim,
      });
    }
  }
  MultiHeadAttention.className = 'MultiHeadAttention';

  class PositionalEmbedding extends tf.layers.Layer {
    constructor(config) {
      super({ name: config.name, trainable: config.trainable, dtype: 'float32' });
      this.inputDim = config.inputDim;
      this.outputDim = config.outputDim;
      this.sequenceLength = config.sequenceLength;
      this.maskZero = Boolean(config.maskZero);
      this.supportsMasking = true;
    }
    build() {
      this.tokens = this.addWeight('token_embedding/embeddings', [this.inputDim, this.outputDim], 'float32', tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }));
      this.positions = this.addWeight('position_embedding/embeddings', [this.sequenceLength, this.outputDim], 'float32', glorot());
      this.built = true;
    }
    computeOutputShape(inputShape) {
      return (shapeList(inputShape) ? inputShape[0] : inputShape).concat([this.outputDim]);
    }
    computeMask(inputs) {
      if (!this.maskZero) return null;
      const ids = first(inputs);
      return tf.notEqual(ids, tf.zerosLike(ids));
    }
    call(inputs) {
      return tf.tidy(() => {
        const ids = tf.cast(first(inputs), 'int32');
        const length = ids.shape[1];
        if (length > this.sequenceLength) throw new Error(`${this.name}: ${length} tokens are more than its ${this.sequenceLength} positions.`);
        return tf.add(tf.gather(this.tokens.read(), ids), tf.slice(this.positions.read(), [0, 0], [length, this.outputDim]));
      });
    }
    getConfig() {
      return Object.assign({}, super.getConfig(), {
        inputDim: this.inputDim,
        outputDim: this.outputDim,
        sequenceLength: this.sequenceLength,
        maskZero: this.maskZero,
      });
    }
  }
  PositionalEmbedding.className = 'PositionalEmbedding';

  class TransformerEncoder extends tf.layers.Layer {
    constructor(config) {
      super({ name: config.name, trainable: config.trainable });
      this.numHeads = config.numHeads;
      this.intermediateDim = config.intermediateDim;
      this.dropout = config.dropout || 0;
      this.activation = config.activation || 'relu';
      this.layerNormEpsilon = config.layerNormEpsilon == null ? 1e-5 : config.layerNormEpsilon;
      this.normalizeFirst = Boolean(config.normalizeFirst);
      this.activationLayer = tf.layers.activation({ activation: this.activation });
      this.supportsMasking = true;
      this.v = {};
    }
    build(inputShape) {
      const shape = shapeList(inputShape) ? inputShape[0] : inputShape;
      const d = shape[shape.length - 1];
      const h = this.numHeads;
      const k = Math.floor(d / h);
      const add = (name, s, init) => (this.v[name] = this.addWeight(name, s, 'float32', init));
      const att = 'self_attention_layer';
      add(`${att}/query/kernel`, [d, h, k], glorot());
      add(`${att}/query/bias`, [h, k], zeros());
      add(`${att}/key/kernel`, [d, h, k], glorot());
      add(`${att}/key/bias`, [h, k], zeros());
      add(`${att}/value/kernel`, [d, h, k], glorot());
      add(`${att}/value/bias`, [h, k], zeros());
      add(`${att}/attention_output/kernel`, [h, k, d], glorot());
      add(`${att}/attention_output/bias`, [d], zeros());
      add('self_attention_layer_norm/gamma', [d], ones());
      add('self_attention_layer_norm/beta', [d], zeros());
      add('feedforward_layer_norm/gamma', [d], ones());
      add('feedforward_layer_norm/beta', [d], zeros());
      add('feedforward_intermediate_dense/kernel', [d, this.intermediateDim], glorot());
      add('feedforward_intermediate_dense/bias', [this.intermediateDim], zeros());
      add('feedforward_output_dense/kernel', [this.intermediateDim, d], glorot());
      add('feedforward_output_dense/bias', [d], zeros());
      this.built = true;
    }
    w(name) {
      return this.v[name].read();
    }
    computeOutputShape(inputShape) {
      return (shapeList(inputShape) ? inputShape[0] : inputShape).slice();
    }
    computeMask(inputs, mask) {
      return singleMask(mask);
    }
    call(inputs, kwargs) {
      return tf.tidy(() => {
        const x = first(inputs);
        const isTraining = training(kwargs);
        const drop = (t) => (isTraining && this.dropout > 0 ? tf.dropout(t, this.dropout) : t);
        const norm = (t, which) => layerNorm(t, this.w(`${which}/gamma`), this.w(`${which}/beta`), this.layerNormEpsilon);
        const att = 'self_attention_layer';
        let y = this.normalizeFirst ? norm(x, 'self_attention_layer_norm') : x;
        const attended = attention(
          einsumDense(y, this.w(`${att}/query/kernel`), this.w(`${att}/query/bias`)),
          einsumDense(y, this.w(`${att}/key/kernel`), this.w(`${att}/key/bias`)),
          einsumDense(y, this.w(`${att}/value/kernel`), this.w(`${att}/value/bias`)),
          singleMask(kwargs && kwargs.mask),
          this.dropout,
          isTraining,
        );
        y = tf.add(drop(mergeHeads(attended, this.w(`${att}/attention_output/kernel`), this.w(`${att}/attention_output/bias`))), x);
        if (!this.normalizeFirst) y = norm(y, 'self_attention_layer_norm');
        let f = this.normalizeFirst ? norm(y, 'feedforward_layer_norm') : y;
        f = this.activationLayer.apply(dense(f, this.w('feedforward_intermediate_dense/kernel'), this.w('feedforward_intermediate_dense/bias')));
        f = tf.add(drop(dense(f, this.w('feedforward_output_dense/kernel'), this.w('feedforward_output_dense/bias'))), y);
        if (!this.normalizeFirst) f = norm(f, 'feedforward_layer_norm');
        return f;
      });
    }
    getConfig() {
      return Object.assign({}, super.getConfig(), {
        numHeads: this.numHeads,
        intermediateDim: this.intermediateDim,
        dropout: this.dropout,
        activation: this.activation,
        layerNormEpsilon: this.layerNormEpsilon,
        normalizeFirst: this.normalizeFirst,
      });
    }
  }
  TransformerEncoder.className = 'TransformerEncoder';

  const WEIGHT_OPTIONS = ['kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer'];

  /** Keras's GRU (gates z, r, h), reset_after true (bias [2, 3u]) or false (bias [3u]). */
  class NetwrightGRU extends tf.layers.Layer {
    constructor(config) {
      super({ name: config.name, trainable: config.trainable });
      this.units = config.units;
      this.activation = config.activation || 'tanh';
      this.recurrentActivation = config.recurrentActivation || 'sigmoid';
      this.useBias = config.useBias !== false;
      this.returnSequences = Boolean(config.returnSequences);
      this.returnState = false;
      this.goBackwards = Boolean(config.goBackwards);
      this.dropout = config.dropout || 0;
      this.recurrentDropout = config.recurrentDropout || 0;
      this.resetAfter = config.resetAfter !== false;
      this.weightOptions = {};
      for (const k of WEIGHT_OPTIONS) this.weightOptions[k] = config[k] == null ? null : config[k];
      this.act = tf.layers.activation({ activation: this.activation });
      this.recAct = tf.layers.activation({ activation: this.recurrentActivation });
      this.supportsMasking = true;
    }
    build(inputShape) {
      const shape = shapeList(inputShape) ? inputShape[0] : inputShape;
      const u = this.units;
      this.kernel = this.addWeight('kernel', [shape[shape.length - 1], 3 * u], 'float32', glorot());
      this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', tf.initializers.orthogonal({}));
      if (this.useBias) this.bias = this.addWeight('bias', this.resetAfter ? [2, 3 * u] : [3 * u], 'float32', zeros());
      this.built = true;
    }
    computeOutputShape(inputShape) {
      const s = shapeList(inputShape) ? inputShape[0] : inputShape;
      return this.returnSequences ? [s[0], s[1], this.units] : [s[0], this.units];
    }
    computeMask(inputs, mask) {
      return this.returnSequences ? singleMask(mask) : null;
    }
    call(inputs, kwargs) {
      return tf.tidy(() => {
        let x = first(inputs);
        const [b, t, f] = x.shape;
        const u = this.units;
        const isTraining = training(kwargs);
        if (isTraining && this.dropout > 0) x = tf.mul(x, tf.dropout(tf.ones([b, 1, f]), this.dropout));
        const rk = this.recurrentKernel.read();
        let ib = null;
        let rb = null;
        if (this.bias) {
          if (this.resetAfter) {
            const parts = tf.split(this.bias.read(), 2, 0);
            ib = tf.reshape(parts[0], [3 * u]);
            rb = tf.reshape(parts[1], [3 * u]);
          } else ib = this.bias.read();
        }
        let projected = tf.matMul(tf.reshape(x, [b * t, f]), this.kernel.read());
        if (ib) projected = tf.add(projected, ib);
        const steps = tf.unstack(tf.transpose(tf.reshape(projected, [b, t, 3 * u]), [1, 0, 2]));
        const mask = singleMask(kwargs && kwargs.mask);
        const maskSteps = mask ? tf.unstack(tf.transpose(tf.cast(mask, 'float32'), [1, 0])) : null;
        const order = [...Array(t).keys()];
        if (this.goBackwards) order.reverse();
        const recDrop = isTraining && this.recurrentDropout > 0 ? tf.dropout(tf.ones([b, u]), this.recurrentDropout) : null;
        const split = this.resetAfter ? null : tf.split(rk, [2 * u, u], 1);
        let h = tf.zeros([b, u]);
        const outputs = [];
        for (const i of order) {
          const hIn = recDrop ? tf.mul(h, recDrop) : h;
          const [xz, xr, xh] = tf.split(steps[i], 3, 1);
          let z;
          let hh;
          if (this.resetAfter) {
            let inner = tf.matMul(hIn, rk);
            if (rb) inner = tf.add(inner, rb);
            const [rz, rr, rh] = tf.split(inner, 3, 1);
            z = this.recAct.apply(tf.add(xz, rz));
            const r = this.recAct.apply(tf.add(xr, rr));
            hh = this.act.apply(tf.add(xh, tf.mul(r, rh)));
          } else {
            const [rz, rr] = tf.split(tf.matMul(hIn, split[0]), 2, 1);
            z = this.recAct.apply(tf.add(xz, rz));
            const r = this.recAct.apply(tf.add(xr, rr));
            hh = this.act.apply(tf.add(xh, tf.matMul(tf.mul(r, hIn), split[1])));
          }
          let next = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
          if (maskSteps) {
            const keep = tf.reshape(maskSteps[i], [b, 1]);
            next = tf.add(tf.mul(next, keep), tf.mul(h, tf.sub(1, keep)));
          }
          h = next;
          if (this.returnSequences) outputs.push(h);
        }
        return this.returnSequences ? tf.stack(outputs, 1) : h;
      });
    }
    getConfig() {
      return Object.assign({}, super.getConfig(), {
        units: this.units,
        activation: this.activation,
        recurrentActivation: this.recurrentActivation,
        useBias: this.useBias,
        returnSequences: this.returnSequences,
        goBackwards: this.goBackwards,
        dropout: this.dropout,
        recurrentDropout: this.recurrentDropout,
        resetAfter: this.resetAfter,
      }, this.weightOptions);
    }
  }
  NetwrightGRU.className = 'NetwrightGRU';

  const classes = [LeakyReluActivation, MultiHeadAttention, PositionalEmbedding, TransformerEncoder, NetwrightGRU];
  for (const cls of classes) tf.serialization.registerClass(cls);
  return classes.map((c) => c.className);
});
