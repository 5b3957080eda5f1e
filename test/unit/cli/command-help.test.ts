/**
 * `--help` and the parser come from one definition (command-specs.ts): every
 * option a command's help lists is accepted by its parser, every option the
 * parser accepts is in the help, and anything else is refused with a hint.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { commandHelp } from '../../../src/cli/command-help.ts';
import { COMMAND_SPECS, type CommandSpec } from '../../../src/cli/command-specs.ts';
import { main } from '../../../src/cli/main.ts';
import { parseArgs } from '../../../src/cli/parse-args.ts';
import { UsageError } from '../../../src/errors.ts';

function allSpecs(): CommandSpec[] {
  const out: CommandSpec[] = [];
  for (const spec of Object.values(COMMAND_SPECS) as CommandSpec[]) {
    out.push(spec);
    out.push(...Object.values(spec.subcommands ?? {}));
  }
  return out;
}

/** Runs main() in-process with captured streams. */
async function runMain(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io = { stdout, stderr, stdin: new PassThrough(), env: {} } as unknown as Parameters<typeof main>[1];
  const code = await main(argv, io);
  return { code, out, err };
}

/** Positionals that satisfy a spec's bounds. */
function positionals(spec: CommandSpec): string[] {
  return Array.from({ length: spec.minPositionals ?? 0 }, () => 'x');
}

describe('command help and parser share one definition', () => {
  for (const spec of allSpecs()) {
    if (spec.subcommands) continue;
    it(`buildfix ${spec.name} --help lists exactly the options its parser accepts`, async () => {
      const r = await runMain([...spec.name.split(' '), '--help']);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, commandHelp(spec));
      const listed = new Map<string, boolean>();
      const optionsSection = r.out.split('\nglobal options:')[0] ?? '';
      for (const m of optionsSection.matchAll(/^\s+(?:-(\w), )?--([a-z][a-z-]*)( \S+)?\s{2}/gm)) listed.set(m[2] ?? '', m[3] !== undefined);
      assert.equal(listed.size, spec.options.length, `help lists ${[...listed.keys()].join(', ')}`);
      for (const [name, takesValue] of listed) {
        const argv = [...positionals(spec), `--${name}`, ...(takesValue ? ['v'] : [])];
        const parsed = parseArgs(argv, spec);
        assert.ok(takesValue ? parsed.options.get(name) === 'v' : parsed.flags.has(name), `--${name} parsed`);
      }
      for (const option of spec.options) {
        assert.ok(listed.has(option.name), `--${option.name} is accepted but not in the help`);
        assert.match(
          r.out,
          new RegExp(
            `--${option.name}${option.value ? ` ${option.value.replace(/[|]/g, '\\|')}` : ''}\\s+${option.help.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
          ),
        );
        if (option.short) assert.ok(parseArgs([...positionals(spec), `-${option.short}`, ...(option.value ? ['v'] : [])], spec), `-${option.short}`);
      }
      assert.throws(() => parseArgs([...positionals(spec), '--not-an-option'], spec), UsageError);
      assert.match(r.out, /exit codes:\n(\s+\d+ {2}.+\n)+/);
      assert.match(r.out, / {2}2 {2}could not run/);
    });
  }

  it('an unknown option names the nearest known one', () => {
    assert.throws(() => parseArgs(['.', '--concurency', '3'], COMMAND_SPECS.diagnose), /unknown option --concurency \(did you mean --concurrency\?\)/);
    assert.throws(() => parseArgs(['--verbose'], COMMAND_SPECS.shell), /unknown option --verbose \(shell takes no options\)/);
  });

  it('-V and --version print the version; a misspelt command gets a suggestion, exit 2', async () => {
    for (const flag of ['-V', '--version']) {
      const r = await runMain([flag]);
      assert.equal(r.code, 0);
      assert.match(r.out, /^buildfix \d+\.\d+\.\d+\n$/);
    }
    const typo = await runMain(['explian', 'x.log']);
    assert.equal(typo.code, 2);
    assert.match(typo.err, /unknown command "explian": did you mean `buildfix explain`\?/);
    const sub = await runMain(['incidents', 'exprt', '3']);
    assert.equal(sub.code, 2);
    assert.match(sub.err, /did you mean `export`\?/);
  });

  it('every command documents its exit codes, explain: 0 found, 1 unknown, 2 could not run', () => {
    for (const spec of allSpecs()) assert.ok(Object.keys(spec.exitCodes).includes('0') && Object.keys(spec.exitCodes).includes('2'), spec.name);
    assert.deepEqual(Object.keys(COMMAND_SPECS.explain.exitCodes), ['0', '1', '2', '130']);
  });
});
