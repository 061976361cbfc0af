// The Kubernetes manifests docs/deployment.md ships are valid YAML with the fields the page relies
// on, and the auth.yaml its ConfigMap carries loads as `auth-hooks check` loads it.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { formatProblem } from '../src/config/load.js'
import { loadPolicy } from '../src/policy/load.js'
import { repoRoot } from './helpers.js'

type Manifest = Record<string, any>

async function manifests (): Promise<Manifest[]> {
  const text = await readFile(join(repoRoot, 'docs/deployment.md'), 'utf8')
  const found: Manifest[] = []
  for (const [, block] of text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)) {
    for (const document of parseAllDocuments(block!)) {
      if (document.errors.length > 0) throw new Error(document.errors.map(String).join('\n'))
      found.push(document.toJS() as Manifest)
    }
  }
  return found
}

t.test('docs/deployment.md: a ConfigMap, a Secret, a Deployment and a Service', async t => {
  const all = await manifests()
  const byKind = (kind: string): Manifest => {
    const found = all.find(manifest => manifest.kind === kind)
    if (found === undefined) throw new Error(`no ${kind}`)
    return found
  }
  t.same(all.map(manifest => manifest.kind).sort(), ['ConfigMap', 'Deployment', 'Secret', 'Service'])
  for (const manifest of all) t.ok(typeof manifest.apiVersion === 'string' && typeof manifest.metadata?.name === 'string', `${manifest.kind as string} has apiVersion and metadata.name`)

  const configMap = byKind('ConfigMap')
  const secret = byKind('Secret')
  const deployment = byKind('Deployment')
  const service = byKind('Service')
  t.equal(deployment.apiVersion, 'apps/v1')
  t.ok(deployment.spec.replicas >= 2, 'several replicas')
  const labels = deployment.spec.template.metadata.labels
  t.same(deployment.spec.selector.matchLabels, labels, 'the selector matches the pod labels')
  t.same(service.spec.selector, labels, 'the Service selects the pods')

  const [container] = deployment.spec.template.spec.containers
  t.equal(container.livenessProbe.httpGet.path, '/healthz')
  t.equal(container.readinessProbe.httpGet.path, '/readyz')
  const port = container.ports.find((p: Manifest) => p.name === container.readinessProbe.httpGet.port)
  t.equal(String(port?.containerPort), container.env.find((e: Manifest) => e.name === 'PORT').value, 'the probes reach the port auth-hooks listens on')
  t.same(container.envFrom, [{ secretRef: { name: secret.metadata.name } }], 'the environment comes from the Secret')
  t.ok(typeof secret.stringData.DATABASE_URL === 'string' && /^postgres(ql)?:\/\//.test(secret.stringData.DATABASE_URL), 'DATABASE_URL selects PostgreSQL')

  const mount = container.volumeMounts.find((m: Manifest) => m.mountPath === '/app/conf')
  t.ok(mount, 'the config is mounted where the image reads it (AUTH_HOOKS_CONFIG=/app/conf/auth.yaml)')
  t.notOk(mount.subPath, 'no subPath: Kubernetes never updates a subPath mount')
  const volume = deployment.spec.template.spec.volumes.find((v: Manifest) => v.name === mount.name)
  t.equal(volume.configMap.name, configMap.metadata.name)
  const items = volume.configMap.items as Array<{ key: string, path: string }>
  t.same(items.map(item => item.key).sort(), Object.keys(configMap.data).sort(), 'every ConfigMap key is mounted')

  // The config the pods would read, laid out as the volume lays it out, loads with the Secret's values.
  const dir = t.testdir({})
  for (const item of items) {
    await mkdir(dirname(join(dir, item.path)), { recursive: true })
    await writeFile(join(dir, item.path), configMap.data[item.key])
  }
  const loaded = await loadPolicy(join(dir, 'auth.yaml'), secret.stringData)
  t.same(loaded.ok ? [] : loaded.problems.map(formatProblem), [], 'the ConfigMap\'s auth.yaml loads')
  if (loaded.ok) t.ok([...loaded.policy.hooks.values()].some(hook => hook.caller.standardWebhooks !== undefined), 'a signed caller: replay ids are shared')
})
