import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What `netwright setup native` adds to tfjs-node's binding before compiling it. Bumped with each
 * change, and stored in the set-up's manifest, so an older build is rebuilt by the next set-up.
 *
 * 1: `addFunctionDef(bytes)`: registers a serialized TensorFlow FunctionDef with the binding's
 *    eager context (TFE_ContextAddFunctionDef). `executeOp(<function name>, [], inputs, n)` then
 *    runs the whole function as one op: a training step in one call into TensorFlow, whose
 *    graph executor runs its ops without a trip through JavaScript each.
 */
export const BINDING_PATCH_LEVEL = 1;

interface Edit {
  readonly file: string;
  /** Text the edit goes after (must occur exactly once). */
  readonly after: string;
  readonly insert: string;
}

const EDITS: readonly Edit[] = [
  {
    file: 'tfjs_backend.h',
    after: '  napi_value GetNumOfTensors(napi_env env);\n',
    insert: `
  // Netwright: registers a serialized FunctionDef with the eager context.
  void AddFunctionDef(napi_env env, napi_value bytes_value);
`,
  },
  {
    file: 'tfjs_backend.cc',
    after: '#include "utils.h"\n',
    insert: `
namespace tfnodejs {

void TFJSBackend::AddFunctionDef(napi_env env, napi_value bytes_value) {
  bool is_typed_array = false;
  napi_status nstatus = napi_is_typedarray(env, bytes_value, &is_typed_array);
  ENSURE_NAPI_OK(env, nstatus);
  if (!is_typed_array) {
    NAPI_THROW_ERROR(env, "addFunctionDef() takes the FunctionDef's bytes as a Uint8Array.");
    return;
  }
  napi_typedarray_type type;
  size_t length = 0;
  void *data = nullptr;
  napi_value array_buffer;
  size_t byte_offset = 0;
  nstatus = napi_get_typedarray_info(env, bytes_value, &type, &length, &data, &array_buffer, &byte_offset);
  ENSURE_NAPI_OK(env, nstatus);
  if (type != napi_uint8_array) {
    NAPI_THROW_ERROR(env, "addFunctionDef() takes the FunctionDef's bytes as a Uint8Array.");
    return;
  }
  TF_AutoStatus tf_status;
  TFE_ContextAddFunctionDef(tfe_context_, static_cast<const char *>(data), length, tf_status.status);
  ENSURE_TF_OK(env, tf_status);
}

}  // namespace tfnodejs
`,
  },
  {
    file: 'tfjs_binding.cc',
    after: '  return backend->GetNumOfSavedModels(env);\n}\n',
    insert: `
static napi_value AddFunctionDef(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  napi_value js_this;
  napi_status nstatus = napi_get_cb_info(env, info, &argc, args, &js_this, nullptr);
  ENSURE_NAPI_OK_RETVAL(env, nstatus, nullptr);
  if (argc < 1) {
    NAPI_THROW_ERROR(env, "addFunctionDef() takes the FunctionDef's bytes.");
    return nullptr;
  }
  TFJSBackend *const backend = GetTFJSBackend(env);
  if (!backend) return nullptr;
  backend->AddFunctionDef(env, args[0]);
  return nullptr;
}
`,
  },
  {
    file: 'tfjs_binding.cc',
    after: '  napi_property_descriptor exports_properties[] = {\n',
    insert: '      {"addFunctionDef", nullptr, AddFunctionDef, nullptr, nullptr, nullptr,\n       napi_default, nullptr},\n',
  },
];

/**
 * Applies the edits to `<tfjs-node>/binding/`. Each anchor must occur exactly once: a tfjs-node
 * whose sources differ is refused rather than compiled half-patched.
 */
export function patchBinding(pkg: string): void {
  const texts = new Map<string, string>();
  if (fs.readFileSync(path.join(pkg, 'binding', 'tfjs_binding.cc'), 'utf8').includes('AddFunctionDef')) {
    throw new Error("tfjs-node's binding is patched already");
  }
  for (const edit of EDITS) {
    const file = path.join(pkg, 'binding', edit.file);
    const text = texts.get(file) ?? fs.readFileSync(file, 'utf8');
    const at = text.indexOf(edit.after);
    if (at < 0 || text.indexOf(edit.after, at + 1) >= 0) {
      throw new Error(`tfjs-node's binding/${edit.file} is not the one this set-up knows how to extend`);
    }
    const end = at + edit.after.length;
    texts.set(file, text.slice(0, end) + edit.insert + text.slice(end));
  }
  for (const [file, text] of texts) fs.writeFileSync(file, text);
}
