// Drives a real browser SDK in headless Chromium against OpenCDP, unchanged but for its endpoint settings
// (README, "Point your SDK at OpenCDP"). Serves the SDK bundles from node_modules on a page of its own origin
// (127.0.0.1, while ingestion is reached as localhost), so every call is cross-origin: settings fetch, CORS
// preflight (the SDKs send Authorization), events.
//   node browser-sdks.mjs <segment|rudderstack> '<json: {url, writeKey, userId, groupId, runId, chromium}>'
// Page 1 loads the SDK, then: track (still anonymous), alias(userId), identify, page, group, track; each call is
// awaited until the SDK reports it delivered. Page 2 (same origin, so the same stored anonymous and user ids)
// loads it with batching (Segment: deliveryStrategy batching; RudderStack: useBeacon), calls track and navigates
// away at once: the event leaves only through the page-unload path (fetch keepalive / navigator.sendBeacon).
// Prints one JSON line {anonymousId, ...}, then keeps the browser open until stdin closes, so an unload request
// in flight is never cut short; the IT closes stdin once it has seen every event on the profile.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [sdk, json] = process.argv.slice(2);
const run = JSON.parse(json);
const here = path.dirname(fileURLToPath(import.meta.url));
const bundles = {
  '/sdk/analytics-next.js': 'node_modules/@segment/analytics-next/dist/umd/index.js',
  '/sdk/rudder-analytics.js': 'node_modules/@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js',
};
const ingestion = new URL(run.url);

/** The pages: the SDK bundle, then a script that exposes the SDK as window.sdk once it has loaded. */
function html(kind) {
  if (sdk === 'segment') {
    // cdnURL: where settings come from ({cdnURL}/v1/projects/{writeKey}/settings);
    // integrations['Segment.io'].apiHost/protocol: where events go ({protocol}://{apiHost}/{t|i|p|g|a|b})
    const segmentIo = { apiHost: `${ingestion.host}/v1`, protocol: ingestion.protocol.replace(':', '') };
    if (kind === 'unload') {
      segmentIo.deliveryStrategy = { strategy: 'batching', config: { size: 50, timeout: 60000 } };
    }
    return `<!doctype html><html><head><title>${kind}</title>
<script src="/sdk/analytics-next.js"></script>
<script>
  window.sdkErrors = [];
  window.sdkReady = AnalyticsNext.AnalyticsBrowser.load(
    { writeKey: ${JSON.stringify(run.writeKey)}, cdnURL: ${JSON.stringify(ingestion.origin)} },
    { integrations: { 'Segment.io': ${JSON.stringify(segmentIo)} } })
    .then(([analytics]) => {
      analytics.on('error', (e) => window.sdkErrors.push(String(e.code) + ': ' + String(e.reason)));
      window.sdk = analytics;
      return analytics.user().anonymousId();
    });
</script></head><body>${kind}</body></html>`;
  }
  // dataPlaneUrl: where events go ({dataPlaneUrl}/v1/{type}, or /beacon/v1/batch?writeKey= with useBeacon);
  // configUrl: where the source config comes from ({configUrl}/sourceConfig/?writeKey=...)
  const options = { configUrl: ingestion.origin, logLevel: 'ERROR' };
  if (kind === 'unload') {
    options.useBeacon = true;
    options.beaconQueueOptions = { flushQueueInterval: 60000, maxItems: 50 };
  }
  return `<!doctype html><html><head><title>${kind}</title>
<script src="/sdk/rudder-analytics.js"></script>
<script>
  window.sdkErrors = [];
  window.sdkReady = new Promise((resolve) => {
    const analytics = new window.rudderanalytics.RudderAnalytics();
    analytics.load(${JSON.stringify(run.writeKey)}, ${JSON.stringify(ingestion.origin)}, ${JSON.stringify(options)});
    analytics.ready(() => { window.sdk = analytics; resolve(analytics.getAnonymousId()); });
  });
</script></head><body>${kind}</body></html>`;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const file = bundles[url.pathname];
  if (file) {
    res.writeHead(200, { 'Content-Type': 'text/javascript' });
    fs.createReadStream(path.join(here, file)).pipe(res);
  } else if (url.pathname === '/calls.html' || url.pathname === '/unload.html') {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(html(url.pathname.slice(1, -5)));
  } else if (url.pathname === '/bye.html') {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><html><body>bye</body></html>');
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({ executablePath: run.chromium, headless: true, args: ['--no-sandbox'] });
const trace = [];
const requests = [];
const waiters = [];
/** Resolves once {@code count} POSTs to ingestion have finished (RudderStack's callbacks only mean "queued"). */
const posted = (count) => new Promise((resolve, reject) => {
  const check = () => requests.filter((r) => r.method === 'POST' && r.status === 200).length >= count;
  if (check()) return resolve();
  const timer = setTimeout(() => reject(new Error(`fewer than ${count} events delivered: ${JSON.stringify(requests)}`)), 60000);
  waiters.push(() => { if (check()) { clearTimeout(timer); resolve(); return true; } return false; });
});
let result;
try {
  const context = await browser.newContext();
  context.on('request', (r) => { if (r.url().startsWith(ingestion.origin)) trace.push(`${r.method()} ${r.url()}`); });
  context.on('requestfinished', async (r) => {
    if (r.url().startsWith(ingestion.origin)) {
      const headers = await r.allHeaders();
      requests.push({ method: r.method(), url: r.url(), contentType: headers['content-type'] ?? null,
        authorization: 'authorization' in headers, status: (await r.response())?.status() ?? null });
      for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]()) waiters.splice(i, 1);
    }
  });
  context.on('requestfailed', (r) => trace.push(`FAILED ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') trace.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => trace.push(`pageerror: ${e.message}`));

  await page.goto(`${origin}/calls.html`);
  const anonymousId = await page.evaluate(() => window.sdkReady);
  const calls = await page.evaluate(async ({ sdk, run }) => {
    const a = window.sdk;
    const done = [];
    // Segment's calls resolve once the Segment.io destination has delivered; RudderStack's take a callback
    // called once the event is queued for delivery (the IT checks delivery on the profile).
    const call = (name, ...args) => sdk === 'segment'
      ? a[name](...args).then(() => done.push(name))
      : new Promise((resolve) => a[name](...args, () => { done.push(name); resolve(); }));
    await call('track', 'Viewed Pricing', { plan: 'pro', runId: run.runId });
    await call('alias', run.userId);
    await call('identify', run.userId, { email: `${run.runId}@example.com`, name: 'Ada Browser', sdk });
    await call('page', 'Docs', 'Getting Started', { path: '/docs/start' });
    await call('group', run.groupId, { name: 'Acme Inc', employees: 120 });
    await call('track', 'Order Completed', { orderId: `order-${run.runId}`, total: 99 });
    return done;
  }, { sdk, run });

  // every call of page 1 delivered (each call is one POST for both SDKs here) before leaving it
  await posted(calls.length);

  // page 2: one event that only the page-unload path delivers
  await page.goto(`${origin}/unload.html`);
  await page.evaluate(() => window.sdkReady);
  // queued for the next batch (Segment: due in 60 s; RudderStack's beacon queue: flushed every 60 s), then away:
  // only the page-unload flush can deliver it
  await page.evaluate(({ sdk, run }) => sdk === 'segment'
    ? window.sdk.track('Checkout Started', { runId: run.runId })
    : new Promise((resolve) => window.sdk.track('Checkout Started', { runId: run.runId }, () => resolve())),
  { sdk, run });
  await page.goto(`${origin}/bye.html`);
  const errors = trace.filter((t) => t.startsWith('FAILED') || t.startsWith('pageerror'));
  result = { sdk, anonymousId, calls, origin, errors, requests, trace };
  console.log(JSON.stringify(result));
} catch (e) {
  console.log(JSON.stringify({ sdk, failure: String(e && e.stack || e), requests, trace }));
}
// hold the browser (and an unload request in flight) until the IT is done with us
process.stdin.resume();
await new Promise((resolve) => process.stdin.on('end', resolve).on('close', resolve));
await browser.close();
server.close();
