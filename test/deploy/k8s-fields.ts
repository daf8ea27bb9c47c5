/**
 * Unknown field names in Kubernetes manifests, which the schema validator of kubernetes-models lets
 * through (the API's schema allows extra properties): each manifest becomes an object literal typed
 * with kubernetes-models' interface for its kind, and TypeScript's excess-property check names any
 * field the interface lacks (a misspelt `completionmode` the API server would drop or refuse).
 */
import { join } from 'node:path';
import ts from 'typescript';

/** The TypeScript interface of each kind the manifests use. */
const TYPES: Record<string, { module: string; name: string }> = {
  'batch/v1 Job': { module: 'kubernetes-models/batch/v1/Job', name: 'IJob' },
  'v1 PersistentVolumeClaim': { module: 'kubernetes-models/v1/PersistentVolumeClaim', name: 'IPersistentVolumeClaim' },
};

/**
 * For each named group of manifests, the type errors of its fields (empty when every field is
 * known and well typed). One TypeScript program for all groups: building it takes seconds.
 */
export function fieldErrors(groups: Record<string, Record<string, unknown>[]>, root: string): Record<string, string[]> {
  const sources = new Map<string, { group: string; text: string }>();
  for (const [group, manifests] of Object.entries(groups)) {
    const lines = manifests.map((m, i) => {
      const kind = `${m.apiVersion} ${m.kind}`;
      const type = TYPES[kind];
      if (type === undefined) throw new Error(`no type for ${kind}`);
      return `import type { ${type.name} as T${i} } from '${type.module}';\nexport const m${i}: T${i} = ${JSON.stringify(m, null, 2)};`;
    });
    // A file inside the checkout, so kubernetes-models resolves from its node_modules; never written.
    sources.set(join(root, `__manifests_${sources.size}__.ts`), { group, text: `${lines.join('\n')}\n` });
  }
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, version, ...rest) => {
    const source = sources.get(name);
    return source ? ts.createSourceFile(name, source.text, version) : getSourceFile.call(host, name, version, ...rest);
  };
  host.fileExists = (name) => sources.has(name) || fileExists.call(host, name);
  const program = ts.createProgram([...sources.keys()], options, host);
  const errors: Record<string, string[]> = Object.fromEntries(Object.keys(groups).map((g) => [g, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const group = d.file ? sources.get(d.file.fileName)?.group : undefined;
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (group === undefined) throw new Error(`type check of the manifests: ${message}`);
    errors[group]!.push(message);
  }
  return errors;
}
