import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const routerSrc = __dirname;

/**
 * Runs the router's V8 settings in a process of its own (V8's flags are per process), then sends
 * requests through undici's pool, as the router's subgraph calls do, to a loopback server, and returns
 * what V8 wrote about each WebAssembly compilation: undici's HTTP parser is the router's only
 * WebAssembly. `--wasm-tiering-budget=1000` makes V8 decide after a few calls that the parser is hot.
 * With `untilTierUp`, the requests go on (up to 100,000) until V8 reports an optimised compile, and the
 * process is ended there; otherwise it sends 2,000 and ends by itself.
 */
function wasmCompilations(v8WasmTierUp: boolean, untilTierUp: boolean): Promise<string> {
  const program = `
    const { applyV8Settings } = require(${JSON.stringify(resolve(routerSrc, 'v8Settings.ts'))});
    applyV8Settings({ v8Pretenuring: true, v8WasmTierUp: ${v8WasmTierUp} });
    const http = require('node:http');
    const Pool = require('undici/lib/dispatcher/pool');
    const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('{"data":{"ok":true}}')); });
    server.listen(0, '127.0.0.1', async () => {
      const pool = new Pool('http://127.0.0.1:' + server.address().port, { connections: 1 });
      const limit = ${untilTierUp ? 100_000 : 2_000};
      for (let sent = 0; sent < limit; sent += 1) {
        await new Promise((done, fail) => pool.dispatch({ path: '/', method: 'POST', body: '{}' }, {
          onRequestStart() {}, onResponseStart() {}, onResponseData() {},
          onResponseEnd() { done(); }, onResponseError(_controller, error) { fail(error); },
        }));
      }
      await pool.close();
      server.close();
    });`;
  const child = spawn(process.execPath, ['--trace-wasm-compilation-times', '--wasm-tiering-budget=1000', '--conditions=source', '--import', 'tsx', '-e', program], {
    cwd: routerSrc,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveOutput, reject) => {
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (untilTierUp && out.includes('using TurboFan')) child.kill();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 || (untilTierUp && signal === 'SIGTERM')) resolveOutput(out);
      else reject(new Error(`the script failed (${code ?? signal}): ${err}`));
    });
  });
}

describe('applyV8Settings', () => {
  it('keeps undici\'s parser on V8\'s baseline compiler by default', async () => {
    const trace = await wasmCompilations(false, false);
    expect(trace).toMatch(/Compiled function \S+ using Liftoff/);
    expect(trace).not.toContain('using TurboFan');
  }, 60_000);

  it('lets V8 optimise it with ROUTER_V8_WASM_TIER_UP=true, as the first case would see without the setting', async () => {
    const trace = await wasmCompilations(true, true);
    expect(trace).toMatch(/Compiled function \S+ using TurboFan/);
  }, 60_000);
});
