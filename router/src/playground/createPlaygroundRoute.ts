import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RouteHandler } from '@fedstack/server';
import { demoExampleTabs } from './demoExamples';
import { prefersHtml } from './negotiateContent';
import { playgroundStyles, renderInitScript, renderPlaygroundPage, type PlaygroundTab } from './renderPlaygroundPage';
import { appendVary, prepareAsset, serveAsset, type PreparedAsset } from './serveAsset';

/** Where the playground page is served (and at the GraphQL path, to a browser). */
export const playgroundPath = '/playground';

/** Where the page's scripts and styles are served, each under a name that holds its content hash. */
export const playgroundAssetsPath = `${playgroundPath}/assets/`;

/**
 * The page's Content-Security-Policy: everything from this server and nothing from anywhere else, and no
 * inline script at all (the page's own script is a file). Beyond `'self'`, GraphiQL needs:
 * - `img-src data:`: its stylesheet draws a few images as data: URLs (and the page's icon is one).
 * - `style-src 'unsafe-inline'`: its dialogs (settings, short keys) inject a `<style>` element; without
 *   it Chromium refuses the style and reports a violation (the browser test opens one).
 * It needs no `'unsafe-eval'` and no workers: its editors are CodeMirror 5, which runs on the page. Its
 * fonts would need `font-src data:`, but they are served as files (see {@link extractFonts}).
 * `base-uri` and `frame-ancestors` are not covered by `default-src`: no `<base>` may move the page's
 * relative URLs, and no other site may frame the page to trick a click on the run button.
 */
export const playgroundContentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "script-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** How to serve the playground. */
export interface PlaygroundRouteOptions {
  /** The path GraphQL is served at: the page sends its operations there, and is served there itself to a browser. */
  graphqlPath: string;
  /** The tabs the page opens with on a first visit, the first one active. Defaults to {@link demoExampleTabs}. */
  tabs?: readonly PlaygroundTab[];
  /** The headers editor's content in a new tab: a JSON object, and GraphiQL allows no comments in it. Defaults to `{}`. */
  defaultHeaders?: string;
}

/** A file of an installed package that the page loads, and the name it is served under. */
interface VendorFile {
  /** The served name; `[hash]` becomes the content hash. */
  name: string;
  packageName: string;
  /** The file, relative to the package's folder. */
  file: string;
  /** What to say when the installed version lacks the file. */
  whenMissing?: string;
}

/**
 * The prebuilt browser files the page loads: UMD builds that find one another as globals (`React`,
 * `ReactDOM`, `GraphiQL`; the explorer uses `GraphiQL.React`, the copy of `@graphiql/react` that GraphiQL
 * carries). Scripts run in this order.
 */
const vendorFiles: readonly VendorFile[] = [
  { name: 'graphiql.[hash].css', packageName: 'graphiql', file: 'graphiql.min.css' },
  { name: 'explorer.[hash].css', packageName: '@graphiql/plugin-explorer', file: 'dist/style.css' },
  { name: 'react.[hash].js', packageName: 'react', file: 'umd/react.production.min.js', whenMissing: 'React 19 has no UMD builds; the playground needs React 18' },
  { name: 'react-dom.[hash].js', packageName: 'react-dom', file: 'umd/react-dom.production.min.js', whenMissing: 'React 19 has no UMD builds; the playground needs React 18' },
  { name: 'graphiql.[hash].js', packageName: 'graphiql', file: 'graphiql.min.js' },
  { name: 'explorer.[hash].js', packageName: '@graphiql/plugin-explorer', file: 'dist/index.umd.js' },
];

/** Hashed assets never change under their name: a browser keeps them for a year without asking again. */
const immutable = 'public, max-age=31536000, immutable';

/**
 * Serves GraphiQL, fully offline: the page at `/playground`, and at the GraphQL path to a browser that
 * navigates there (its `Accept` prefers HTML and there is no `query` parameter); its scripts and styles
 * under `/playground/assets/`. Everything else is left to GraphQL (resolves false).
 *
 * The files are read and hashed here, once, and compressed (brotli and gzip) in the background; a
 * missing file throws, so a broken install stops the start instead of serving a blank page.
 *
 * ```ts
 * new GraphQLService({ …, routes: config.playground ? createPlaygroundRoute({ graphqlPath }) : undefined });
 * ```
 */
export function createPlaygroundRoute(options: PlaygroundRouteOptions): RouteHandler {
  const asset = (name: string, content: string | Buffer) => prepareAsset(`${playgroundAssetsPath}${name}`, typeof content === 'string' ? Buffer.from(content) : content);
  const fonts: PreparedAsset[] = [];
  const files = vendorFiles.map((vendor) => {
    const content = readVendorFile(vendor);
    if (!vendor.name.endsWith('.css')) return asset(vendor.name, content);
    const extracted = extractFonts(content.toString('utf8'), asset);
    fonts.push(...extracted.fonts);
    return asset(vendor.name, extracted.css);
  });
  const styles = [...files.filter((file) => file.path.endsWith('.css')), asset('playground.[hash].css', playgroundStyles)];
  const init = asset(
    'init.[hash].js',
    renderInitScript({ endpoint: options.graphqlPath, tabs: options.tabs ?? demoExampleTabs, defaultHeaders: options.defaultHeaders ?? '{}' }),
  );
  const scripts = [...files.filter((file) => file.path.endsWith('.js')), init];
  const assets = new Map<string, PreparedAsset>([...styles, ...scripts, ...fonts].map((file) => [file.path, file]));
  // Named .html for its content type only: the page is served at playgroundPath and the GraphQL path.
  const page = prepareAsset(`${playgroundPath}.html`, Buffer.from(renderPlaygroundPage({ styles: styles.map((file) => file.path), scripts: scripts.map((file) => file.path) })));
  const pageHeaders = {
    'content-security-policy': playgroundContentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };

  return async (request, response, url) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const atGraphQLPath = url.pathname === options.graphqlPath;
    if (url.pathname === playgroundPath || (atGraphQLPath && !url.searchParams.has('query') && prefersHtml(request.headers.accept))) {
      // The GraphQL path answers HTML or GraphQL by the Accept header: a cache must keep them apart.
      if (atGraphQLPath) appendVary(response, 'Accept');
      await serveAsset(request, response, page, { cacheControl: 'no-cache', headers: pageHeaders });
      return true;
    }
    const file = url.pathname.startsWith(playgroundAssetsPath) ? assets.get(url.pathname) : undefined;
    if (!file) return false;
    await serveAsset(request, response, file, { cacheControl: immutable, headers: { 'x-content-type-options': 'nosniff' } });
    return true;
  };
}

/**
 * Reads a file of an installed package, found from its package.json (React's `exports` do not list its
 * UMD files, so `require.resolve` cannot name them directly).
 */
function readVendorFile(vendor: VendorFile): Buffer {
  let manifest: string;
  try {
    manifest = require.resolve(`${vendor.packageName}/package.json`);
  } catch {
    throw new Error(`The playground serves files of ${vendor.packageName}, which is not installed: run npm ci, or set PLAYGROUND=false.`);
  }
  let content: Buffer;
  try {
    content = readFileSync(join(dirname(manifest), vendor.file));
  } catch {
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    throw new Error(
      `The playground serves ${vendor.packageName}/${vendor.file}, but ${vendor.packageName}@${version} in ${dirname(manifest)} has no such file` +
        `${vendor.whenMissing ? ` (${vendor.whenMissing})` : ''}: install the versions router/package.json names, or set PLAYGROUND=false.`,
    );
  }
  // The source maps are not served, so a pointer to one would only send DevTools after a missing file.
  return Buffer.from(content.toString('utf8').replace(/\/[*/]# sourceMappingURL=[^\n]*\s*$/, ''));
}

/**
 * Moves the fonts a stylesheet carries as data: URLs into files of their own. GraphiQL's stylesheet
 * holds 34 font faces inline (Roboto and Fira Code, each cut by `unicode-range` into Latin, Cyrillic,
 * Greek, Vietnamese…): 360 kB of its 425 kB, which a browser downloads whole (270 kB compressed) although
 * a page in English uses a few of them. As files, the browser fetches only the faces and ranges the page
 * shows, and the Content-Security-Policy needs no `font-src data:`.
 */
function extractFonts(css: string, asset: (name: string, content: Buffer) => PreparedAsset): { css: string; fonts: PreparedAsset[] } {
  const fonts = new Map<string, PreparedAsset>();
  const rewritten = css.replace(/url\(\s*(["']?)data:font\/(woff2?);base64,([A-Za-z0-9+/=]+)\1\s*\)/g, (_match, _quote: string, format: string, base64: string) => {
    const font = asset(`font.[hash].${format}`, Buffer.from(base64, 'base64'));
    fonts.set(font.path, font);
    return `url(${font.path})`;
  });
  return { css: rewritten, fonts: [...fonts.values()] };
}
