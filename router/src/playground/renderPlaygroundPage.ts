/** One tab the playground opens with (GraphiQL's `TabDefinition`): an operation and its variables. */
export interface PlaygroundTab {
  /** The operation, comments included. GraphiQL titles the tab with the operation's name. */
  query: string;
  /** The variables editor's content: a JSON object. */
  variables?: string;
  /** The headers editor's content for this tab: a JSON object. Defaults to the page's default headers. */
  headers?: string;
}

/** What the page's own script configures GraphiQL with. */
export interface InitScriptSettings {
  /** The GraphQL endpoint, as a path: the script resolves it against the page's URL. */
  endpoint: string;
  /** The tabs GraphiQL opens with on a first visit (later visits restore the visitor's own tabs). */
  tabs: readonly PlaygroundTab[];
  /** The headers editor's content in a new tab: a JSON object. */
  defaultHeaders: string;
}

/**
 * Writes the script that renders GraphiQL into the page. It is served as a file of its own, never
 * inline, so the page's Content-Security-Policy can say `script-src 'self'` without hashes or nonces;
 * the settings are written into it, so it needs no second request. It runs after React, ReactDOM,
 * GraphiQL and the explorer, which it finds as the globals their UMD builds define.
 */
export function renderInitScript(settings: InitScriptSettings): string {
  // JSON is valid JavaScript except for U+2028/U+2029 in strings before ES2019; escaping them costs nothing.
  const literal = JSON.stringify(settings).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `// The fedstack playground: renders GraphiQL. Written by router/src/playground/renderPlaygroundPage.ts.
(function () {
  'use strict';
  var settings = ${literal};
  // The explorer builds operations by ticking fields; without its script the page still works.
  var plugins = window.GraphiQLPluginExplorer ? [window.GraphiQLPluginExplorer.explorerPlugin({ showAttribution: false })] : [];
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: new URL(settings.endpoint, location.href).href }),
      defaultTabs: settings.tabs,
      defaultHeaders: settings.defaultHeaders,
      isHeadersEditorEnabled: true,
      // Headers will carry tokens: keep them out of localStorage unless the visitor opts in, in settings.
      shouldPersistHeaders: false,
      showPersistHeadersSettings: true,
      defaultEditorToolsVisibility: true,
      plugins: plugins,
    }),
  );
})();
`;
}

/**
 * The page's own styles, served as a file so that the page has no inline style either. GraphiQL fills
 * its container, so the container has to fill the window.
 */
export const playgroundStyles = `html, body, #graphiql { height: 100%; margin: 0; }
`;

/** The URL paths of the files the page loads, in the order it loads them. */
export interface PlaygroundPageAssets {
  styles: readonly string[];
  scripts: readonly string[];
}

/**
 * Writes the playground's HTML. Every URL in it is a path on this server: the page loads nothing from
 * anywhere else, so it works offline and its Content-Security-Policy can be `'self'` only.
 */
export function renderPlaygroundPage(assets: PlaygroundPageAssets): string {
  const styles = assets.styles.map((path) => `    <link rel="stylesheet" href="${escapeAttribute(path)}">`);
  // defer keeps document order, so React is defined before GraphiQL and GraphiQL before init.
  const scripts = assets.scripts.map((path) => `    <script defer src="${escapeAttribute(path)}"></script>`);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>fedstack playground</title>
    <!-- An empty icon, so the browser does not ask the router for /favicon.ico. -->
    <link rel="icon" href="data:,">
${[...styles, ...scripts].join('\n')}
  </head>
  <body>
    <div id="graphiql">Loading the playground…</div>
    <noscript>The playground is GraphiQL, which needs JavaScript. Without it, POST GraphQL to /graphql.</noscript>
  </body>
</html>
`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
