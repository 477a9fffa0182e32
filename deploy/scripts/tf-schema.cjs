// Checks parsed HCL (hcl2json) against the hashicorp/google provider schema as the generated
// bindings of @cdktf/provider-google carry it: each resource's class lists its arguments and
// blocks in synthesizeAttributes(), and each block's struct function (xxxToTerraform) lists the
// block's own arguments and nested blocks. A resource type, argument or block that the provider
// does not define is reported, at any depth (dynamic blocks included).
'use strict';
const fs = require('fs');
const path = require('path');

const META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

// Parses `key: expr,` lines of a returned object literal into {key: childFunction|null}.
function fieldsOf(body) {
  const fields = {};
  for (const m of body.matchAll(/^\s{8,12}(\w+): (.*),?$/gm)) {
    const fn = (m[2].match(/\b(\w+)ToTerraform\b/g) || [])
      .map((s) => s.replace(/ToTerraform$/, ''))
      .find((s) => !/^(cdktf|string|number|boolean|hash|list|map)$/.test(s) && !s.startsWith('cdktf'));
    fields[m[1]] = fn || null;
  }
  return fields;
}

function loadType(providerDir, type) {
  const file = path.join(providerDir, 'lib', type.replace(/^google_/, '').replace(/_/g, '-'), 'index.js');
  if (!fs.existsSync(file)) return null;
  const js = fs.readFileSync(file, 'utf8');
  if (!js.includes(`tfResourceType = "${type}"`)) return null;
  // Large resources keep their block structs in index-structs/*.js next to index.js.
  const structs = {};
  const dir = path.dirname(file);
  const sources = [js];
  const sub = path.join(dir, 'index-structs');
  if (fs.existsSync(sub)) {
    for (const f of fs.readdirSync(sub).filter((x) => x.endsWith('.js'))) sources.push(fs.readFileSync(path.join(sub, f), 'utf8'));
  }
  for (const m of sources.join('\n').matchAll(/^function (\w+)ToTerraform\(struct\) \{[\s\S]*?\n {4}return \{\n([\s\S]*?)\n {4}\};\n\}/gm)) {
    structs[m[1]] = fieldsOf(m[2]);
  }
  const top = js.match(/synthesizeAttributes\(\) \{\n\s*return \{\n([\s\S]*?)\n\s*\};/);
  if (!top) return null;
  return { root: fieldsOf(top[1]), structs };
}

// Walks one block body (an hcl2json object) against its schema fields.
function walk(where, body, fields, structs, fail) {
  for (const [key, value] of Object.entries(body)) {
    if (key === 'dynamic') {
      for (const [name, blocks] of Object.entries(value)) {
        if (!(name in fields)) { fail(`${where}: dynamic block "${name}" is not in the provider schema`); continue; }
        const child = structs[fields[name]];
        if (!child) { fail(`${where}: "${name}" is an argument, not a block`); continue; }
        for (const b of blocks) for (const c of b.content || []) walk(`${where}.${name}`, c, child, structs, fail);
      }
      continue;
    }
    if (!(key in fields)) { fail(`${where}: "${key}" is not an argument or block of the provider schema`); continue; }
    if (Array.isArray(value) && value.length > 0 && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const child = structs[fields[key]];
      if (!child) { fail(`${where}: "${key}" is written as a block but is an argument`); continue; }
      for (const b of value) walk(`${where}.${key}`, b, child, structs, fail);
    }
  }
}

// Returns the number of resources checked; reports through fail(message).
function checkSchema(providerDir, mod, fail) {
  let n = 0;
  for (const [type, byName] of Object.entries(mod.resource || {})) {
    const schema = loadType(providerDir, type);
    if (!schema) { fail(`resource type ${type} is not in @cdktf/provider-google`); continue; }
    for (const [name, blocks] of Object.entries(byName)) {
      for (const b of blocks) {
        const body = Object.fromEntries(Object.entries(b).filter(([k]) => !META.has(k)));
        walk(`${type}.${name}`, body, schema.root, schema.structs, fail);
        n++;
      }
    }
  }
  return n;
}

module.exports = { checkSchema, loadType };
