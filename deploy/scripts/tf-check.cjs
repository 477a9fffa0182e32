#!/usr/bin/env node
// Structural and formatting checks of infra/terraform without the terraform binary.
// Parses every .tf file with @cdktf/hcl2json (the HCL2 parser terraform uses, compiled to wasm),
// writes the merged JSON to deploy/target/terraform/<module>.json and asserts what the design
// promises: every resource type, argument and block exists in the google provider's schema
// (@cdktf/provider-google, tf-schema.cjs), GPU pools tainted and scaling from 0, private buckets,
// Workload Identity on and no Cloud Storage FUSE, every variable typed and described, every output
// described, least-privilege bucket bindings, one assertion group per item of issue 14
// (checkIssue14) and a terraform-fmt-like layout (2-space indentation, aligned '=', no
// tabs/trailing whitespace).
// Usage: node tf-check.cjs TOOLS_DIR TERRAFORM_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');

const [toolsDir, tfRoot, outDir] = process.argv.slice(2);
const { parse } = require(path.join(toolsDir, 'node_modules', '@cdktf', 'hcl2json'));
const { checkSchema } = require('./tf-schema.cjs');
const { checkIssue14 } = require('./tf-issue14.cjs');

const errors = [];
const fail = (where, msg) => errors.push(`${where}: ${msg}`);

// ---------- formatting (a subset of `terraform fmt`, same rules as hclwrite) ----------
// Returns the bracket-depth change of a line and whether it starts with closers, ignoring strings
// and comments. Template interpolations are balanced inside strings, so skipping them is exact.
function scan(line) {
  let delta = 0;
  let leadingClosers = 0;
  let seenOther = false;
  let eqIndex = -1;
  let depthAtEq = 0;
  let inStr = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '#' || (c === '/' && line[i + 1] === '/')) break;
    if (c === '"') { inStr = true; seenOther = true; continue; }
    if ('{[('.includes(c)) { delta++; seenOther = true; continue; }
    if ('}])'.includes(c)) {
      delta--;
      if (!seenOther) leadingClosers++;
      continue;
    }
    if (c === '=' && eqIndex < 0 && delta === 0) {
      const prev = line[i - 1];
      const next = line[i + 1];
      if (next !== '=' && next !== '>' && !'=!<>'.includes(prev)) { eqIndex = i; depthAtEq = delta; }
    }
    if (c !== ' ') seenOther = true;
  }
  return { delta, leadingClosers, eqIndex, depthAtEq, unterminated: inStr };
}

function checkFormat(file, text) {
  const rel = path.relative(process.cwd(), file);
  if (text.includes('\r')) fail(rel, 'CRLF line endings');
  if (!text.endsWith('\n') || text.endsWith('\n\n')) fail(rel, 'must end with exactly one newline');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const levels = [];
  let heredoc = null;
  let chain = []; // consecutive single-line assignments: {n, keyEnd, eq}
  const closeChain = () => {
    if (chain.length > 0) {
      const want = Math.max(...chain.map((a) => a.keyEnd)) + 1;
      for (const a of chain) {
        if (a.eq !== want) fail(`${rel}:${a.n}`, `'=' at column ${a.eq + 1}, terraform fmt aligns it at ${want + 1}`);
      }
    }
    chain = [];
  };
  lines.forEach((line, idx) => {
    const n = idx + 1;
    if (heredoc) {
      if (line.trim() === heredoc) heredoc = null;
      closeChain();
      return;
    }
    if (line.includes('\t')) fail(`${rel}:${n}`, 'tab character');
    if (/\s+$/.test(line)) fail(`${rel}:${n}`, 'trailing whitespace');
    if (line.trim() === '') {
      closeChain();
      return;
    }
    const s = scan(line);
    const indent = line.length - line.trimStart().length;
    // hclwrite's formatIndent: a line with net opening brackets opens one level (however many
    // brackets), a line with net closing brackets closes levels first and is indented after.
    if (s.delta < 0) {
      let closed = -s.delta;
      while (closed > 0 && levels.length > 0) {
        const top = levels[levels.length - 1];
        if (closed >= top) { closed -= top; levels.pop(); } else { levels[levels.length - 1] -= closed; closed = 0; }
      }
      if (closed > 0) fail(`${rel}:${n}`, 'unbalanced closing bracket');
    }
    const want = 2 * levels.length;
    if (indent !== want) fail(`${rel}:${n}`, `indented ${indent} spaces, expected ${want}`);
    if (s.delta > 0) levels.push(s.delta);
    const hd = line.match(/<<-?([A-Z]+)\s*$/);
    if (hd) heredoc = hd[1];
    // An assignment joins the alignment chain only when its expression ends on this line.
    if (s.eqIndex > 0 && s.delta === 0 && !hd) {
      const keyEnd = line.slice(0, s.eqIndex).trimEnd().length;
      if (line[s.eqIndex + 1] !== ' ') fail(`${rel}:${n}`, "one space after '='");
      chain.push({ n, keyEnd, eq: s.eqIndex });
    } else {
      if (s.eqIndex > 0 && !/\S =( |$)/.test(line.slice(0, s.eqIndex + 2).trimStart())) {
        fail(`${rel}:${n}`, "one space either side of '='");
      }
      closeChain();
    }
  });
  closeChain();
  if (levels.length !== 0) fail(rel, 'unbalanced brackets at end of file');
}

// ---------- parsing ----------
function tfFiles(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort().map((f) => path.join(dir, f));
}

function merge(into, from) {
  for (const [k, v] of Object.entries(from)) {
    if (Array.isArray(v)) into[k] = (into[k] || []).concat(v);
    else if (v && typeof v === 'object') into[k] = merge(into[k] || {}, v);
    else into[k] = v;
  }
  return into;
}

async function loadModule(dir) {
  const merged = {};
  for (const file of tfFiles(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    checkFormat(file, text);
    try {
      merge(merged, await parse(path.basename(file), text));
    } catch (e) {
      fail(path.relative(process.cwd(), file), `does not parse: ${e.message || e}`);
    }
  }
  return merged;
}

// ---------- structure ----------
const one = (blocks) => (Array.isArray(blocks) ? blocks[0] : undefined) || {};
const resources = (mod, type) => Object.entries((mod.resource || {})[type] || {}).map(([name, b]) => [name, one(b)]);

function checkVariablesAndOutputs(where, mod) {
  for (const [name, blocks] of Object.entries(mod.variable || {})) {
    const v = one(blocks);
    if (!v.description || !String(v.description).trim()) fail(where, `variable "${name}" has no description`);
    if (!v.type) fail(where, `variable "${name}" has no type`);
    if (/\bany\b/.test(String(v.type))) fail(where, `variable "${name}" is typed any`);
    if (/object\(/.test(String(v.type)) && !(v.validation && v.validation.length > 0)) {
      fail(where, `object variable "${name}" has no validation block`);
    }
    for (const val of v.validation || []) {
      if (!val.condition || !val.error_message) fail(where, `variable "${name}": validation needs condition and error_message`);
    }
  }
  for (const [name, blocks] of Object.entries(mod.output || {})) {
    if (!one(blocks).description) fail(where, `output "${name}" has no description`);
  }
}

function checkModule(mod) {
  const w = 'infra/terraform';
  checkVariablesAndOutputs(w, mod);

  const clusters = resources(mod, 'google_container_cluster');
  if (clusters.length !== 1) fail(w, `expected one google_container_cluster, found ${clusters.length}`);
  for (const [name, c] of clusters) {
    const pool = one(c.workload_identity_config).workload_pool || '';
    if (!/svc\.id\.goog|workload_pool/.test(pool)) fail(w, `cluster ${name}: Workload Identity is not on`);
    if (!one(c.release_channel).channel) fail(w, `cluster ${name}: no release channel`);
    if (c.remove_default_node_pool !== true) fail(w, `cluster ${name}: remove_default_node_pool must be true`);
    if (!one(c.ip_allocation_policy).cluster_secondary_range_name) fail(w, `cluster ${name}: not VPC-native with secondary ranges`);
    if (!('enable_private_nodes' in one(c.private_cluster_config))) fail(w, `cluster ${name}: no private nodes option`);
    // The pods use the buckets through gs:// URIs (GCSFileIO, Flink's gs filesystem): no FUSE.
    if ('gcs_fuse_csi_driver_config' in one(c.addons_config)) {
      fail(w, `cluster ${name}: the Cloud Storage FUSE CSI add-on must not be enabled (buckets are used through gs:// URIs)`);
    }
  }

  const pools = resources(mod, 'google_container_node_pool');
  const gpuPools = pools.filter(([, p]) => one(p.node_config).guest_accelerator);
  if (gpuPools.length === 0) fail(w, 'no GPU node pool (node_config.guest_accelerator)');
  for (const [name, p] of gpuPools) {
    const nc = one(p.node_config);
    const taints = nc.taint || [];
    if (!taints.some((t) => t.key === 'nvidia.com/gpu' && t.value === 'present' && t.effect === 'NO_SCHEDULE')) {
      fail(w, `GPU pool ${name}: missing taint nvidia.com/gpu=present:NoSchedule`);
    }
    const as = one(p.autoscaling);
    if (as.min_node_count !== 0) fail(w, `GPU pool ${name}: autoscaling.min_node_count must be the literal 0`);
    if (!as.max_node_count) fail(w, `GPU pool ${name}: autoscaling.max_node_count missing`);
    const acc = one(nc.guest_accelerator);
    if (!one(acc.gpu_driver_installation_config).gpu_driver_version) fail(w, `GPU pool ${name}: no gpu_driver_installation_config`);
    if (!String(nc.labels || '').includes('driftgate.io/pool')) fail(w, `GPU pool ${name}: no driftgate.io/pool label`);
    if (!('spot' in nc)) fail(w, `GPU pool ${name}: spot/on-demand not configurable`);
  }
  for (const [name, p] of pools) {
    if (one(one(p.node_config).workload_metadata_config).mode !== 'GKE_METADATA') fail(w, `node pool ${name}: workload_metadata_config.mode must be GKE_METADATA`);
  }

  const buckets = resources(mod, 'google_storage_bucket');
  for (const name of ['lake', 'registry']) {
    if (!buckets.some(([n]) => n === name)) fail(w, `no google_storage_bucket "${name}"`);
  }
  for (const [name, b] of buckets) {
    if (b.public_access_prevention !== 'enforced') fail(w, `bucket ${name}: public_access_prevention must be "enforced"`);
    if (b.uniform_bucket_level_access !== true) fail(w, `bucket ${name}: uniform_bucket_level_access must be true`);
    if (!b.lifecycle_rule && !b.dynamic) fail(w, `bucket ${name}: no lifecycle rules`);
    if (['lake', 'registry'].includes(name) && one(b.versioning).enabled !== true) fail(w, `bucket ${name}: versioning must be enabled`);
  }
  if (resources(mod, 'google_artifact_registry_repository').length === 0) fail(w, 'no Artifact Registry repository');

  // Kafka: managed cluster + topics behind a mode switch, or external bootstrap servers.
  if (resources(mod, 'google_managed_kafka_cluster').length !== 1) fail(w, 'no google_managed_kafka_cluster');
  if (resources(mod, 'google_managed_kafka_topic').length < 1) fail(w, 'no google_managed_kafka_topic');

  // IAM: no keys, no public members, no primitive roles, exact bucket grants per component.
  const json = JSON.stringify(mod);
  if (/allUsers|allAuthenticatedUsers/.test(json)) fail(w, 'public IAM member (allUsers/allAuthenticatedUsers)');
  if (/roles\/(owner|editor|viewer)\b/.test(json)) fail(w, 'primitive role (owner/editor/viewer)');
  if (resources(mod, 'google_service_account_key').length > 0) fail(w, 'service account keys are not allowed');
  for (const sa of ['ingest', 'launcher', 'trainer']) {
    if (!resources(mod, 'google_service_account').some(([n]) => n === sa)) fail(w, `no google_service_account "${sa}"`);
    const wi = resources(mod, 'google_service_account_iam_member')
      .filter(([, r]) => r.role === 'roles/iam.workloadIdentityUser' && String(r.service_account_id).includes(`google_service_account.${sa}.`));
    if (wi.length !== 1) fail(w, `service account ${sa}: expected one Workload Identity binding, found ${wi.length}`);
  }
  const grants = resources(mod, 'google_storage_bucket_iam_member').map(([, r]) => {
    const sa = (String(r.member).match(/google_service_account\.(\w+)/) || [])[1];
    const bucket = (String(r.bucket).match(/google_storage_bucket\.(\w+)/) || [])[1];
    return `${sa} ${bucket} ${r.role}`;
  }).sort();
  // Writers need objectUser (Iceberg and the artifact store replace and delete objects): ingest
  // writes the lake, the launcher tags lake snapshots (metadata) and writes the models bucket, the
  // trainer writes the models bucket and only reads the lake.
  const expected = [
    'ingest lake roles/storage.objectUser',
    'ingest state roles/storage.objectUser',
    'launcher lake roles/storage.objectUser',
    'launcher registry roles/storage.objectUser',
    'trainer lake roles/storage.objectViewer',
    'trainer registry roles/storage.objectUser',
  ];
  if (JSON.stringify(grants) !== JSON.stringify(expected)) {
    fail(w, `bucket grants are not the least-privilege set:\n    found    ${grants.join('; ')}\n    expected ${expected.join('; ')}`);
  }
  if (resources(mod, 'google_storage_bucket_acl').length + resources(mod, 'google_storage_bucket_iam_binding').length > 0) {
    fail(w, 'use google_storage_bucket_iam_member only (no ACLs, no authoritative bindings)');
  }
}

function checkExample(where, ex, mod) {
  checkVariablesAndOutputs(where, ex);
  const calls = Object.values(ex.module || {}).map(one);
  const call = calls.find((m) => m.source === '../..');
  if (!call) return fail(where, 'does not call the module with source = "../.."');
  const known = new Set(Object.keys(mod.variable || {}));
  for (const k of Object.keys(call)) {
    if (!['source', 'providers', 'depends_on', 'count', 'for_each'].includes(k) && !known.has(k)) fail(where, `passes unknown input "${k}"`);
  }
  for (const [name, blocks] of Object.entries(mod.variable || {})) {
    if (!('default' in one(blocks)) && !(name in call)) fail(where, `does not set required input "${name}"`);
  }
  if (!ex.provider || !ex.provider.google) fail(where, 'configures no google provider');
}

function checkReadme(mod) {
  const readme = path.join(tfRoot, 'README.md');
  const text = fs.existsSync(readme) ? fs.readFileSync(readme, 'utf8') : '';
  for (const kind of ['variable', 'output']) {
    for (const name of Object.keys(mod[kind] || {})) {
      if (!text.includes(`| \`${name}\` |`)) fail('infra/terraform/README.md', `${kind} "${name}" missing from the table`);
    }
  }
  for (const cmd of ['terraform init', 'terraform plan', 'terraform apply']) {
    if (!text.includes(cmd)) fail('infra/terraform/README.md', `does not document ${cmd}`);
  }
}

(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  const mod = await loadModule(tfRoot);
  fs.writeFileSync(path.join(outDir, 'module.json'), JSON.stringify(mod, null, 2));
  checkModule(mod);
  const providerDir = path.join(toolsDir, 'node_modules', '@cdktf', 'provider-google');
  const nResources = checkSchema(providerDir, mod, (m) => fail('infra/terraform (provider schema)', m));
  checkIssue14(mod, (m) => fail('infra/terraform (issue 14)', m));
  checkReadme(mod);
  const exRoot = path.join(tfRoot, 'examples');
  const examples = fs.existsSync(exRoot) ? fs.readdirSync(exRoot).filter((d) => fs.statSync(path.join(exRoot, d)).isDirectory()) : [];
  if (!examples.includes('dev')) fail('infra/terraform/examples', 'no dev example');
  for (const d of examples) {
    const ex = await loadModule(path.join(exRoot, d));
    fs.writeFileSync(path.join(outDir, `example-${d}.json`), JSON.stringify(ex, null, 2));
    checkExample(`infra/terraform/examples/${d}`, ex, mod);
  }
  const nFiles = tfFiles(tfRoot).length + examples.reduce((a, d) => a + tfFiles(path.join(exRoot, d)).length, 0);
  if (errors.length > 0) {
    for (const e of errors) console.error(`  ${e}`);
    console.error(`terraform: ${errors.length} problem(s)`);
    process.exit(1);
  }
  console.log(`terraform: ${nFiles} files parse; ${Object.keys(mod.variable || {}).length} variables, ${Object.keys(mod.output || {}).length} outputs; structure and format OK; ${nResources} resources match the google provider schema`);
})().catch((e) => { console.error(e); process.exit(2); });
