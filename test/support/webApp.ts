import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '@fedstack/devkit';

/** How to build the web app. */
export interface WebAppBuild {
  /** The router's GraphQL URL the app will call: becomes `VITE_ROUTER_URL`. */
  routerUrl: string;
  /** An empty folder to write the app to. */
  outDir: string;
}

/**
 * Builds web/ with Vite's JavaScript API, as `npm run web:build` does (a production build, which sends
 * operations by id), but calling `routerUrl`.
 *
 * Vite 8 is ESM only and jest runs tests as CommonJS, where `import('vite')` cannot load it (jest's
 * module registry would need `--experimental-vm-modules`); so the build runs in a child Node process.
 * `VITE_ROUTER_URL` goes in through its environment, the way a deployment sets it. Rejects with Vite's
 * output when the build fails or takes more than `timeoutMs`.
 */
export function buildWebApp({ routerUrl, outDir }: WebAppBuild, timeoutMs = 60_000): Promise<void> {
  const options = { root: join(repoRoot, 'web'), logLevel: 'warn', build: { outDir, emptyOutDir: true } };
  const script = `const { build } = await import('vite'); await build(${JSON.stringify(options)});`;
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--input-type=module', '--eval', script],
      // NODE_ENV=production as `npm run web:build` has it: jest's `test` would make Vite build a
      // development bundle (React's development build, `import.meta.env.PROD` false, operation text sent).
      { cwd: repoRoot, env: { ...process.env, NODE_ENV: 'production', VITE_ROUTER_URL: routerUrl, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => (error ? fail(new Error(`vite build of web/ failed: ${error.message}\n${stdout}${stderr}`)) : done()),
    );
  });
}

/** What a built app weighs: raw and gzipped bytes of its JavaScript, CSS and HTML. */
export interface BundleSize {
  js: { bytes: number; gzipBytes: number };
  css: { bytes: number; gzipBytes: number };
  html: { bytes: number; gzipBytes: number };
}

/** Measures a built app in `outDir`, gzipping each file at level 9 (what a server compressing it would send). */
export function measureBundle(outDir: string): BundleSize {
  const size: BundleSize = { js: { bytes: 0, gzipBytes: 0 }, css: { bytes: 0, gzipBytes: 0 }, html: { bytes: 0, gzipBytes: 0 } };
  for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
    const kind = /\.(js|css|html)$/.exec(entry.name)?.[1] as keyof BundleSize | undefined;
    if (!entry.isFile() || !kind) continue;
    const content = readFileSync(join(entry.parentPath, entry.name));
    size[kind].bytes += content.length;
    size[kind].gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return size;
}
