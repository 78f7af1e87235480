// Drives a real Node SDK against OpenCDP, unchanged but for its endpoint setting (README, "Point your SDK at OpenCDP").
//   node node-sdks.mjs <segment|rudderstack> <phase: before|main> '<json: {url, writeKey, userId, anonymousId, groupId, runId}>'
// "before" sends one track call as an anonymous visitor (who gets a profile of their own before the alias);
// "main" sends identify, track, page and group as the user, and alias (anonymousId -> userId). Each phase flushes
// before it exits; a delivery error fails the run (exit 1).
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';

const [sdk, phase, json] = process.argv.slice(2);
const run = JSON.parse(json);
const errors = [];

/** The same five calls through either SDK: both take Segment's message shapes. */
function client() {
  if (sdk === 'segment') {
    // analytics-node: host + path (the default path /v1/batch is what OpenCDP serves)
    const analytics = new SegmentAnalytics({ writeKey: run.writeKey, host: run.url, path: '/v1/batch', flushAt: 20,
      flushInterval: 200, maxRetries: 2 });
    analytics.on('error', (err) => errors.push(`${err.code}: ${err.reason ?? err.message ?? err}`));
    return { send: (type, message) => analytics[type](message), close: () => analytics.closeAndFlush({ timeout: 20000 }) };
  }
  if (sdk === 'rudderstack') {
    // rudder-sdk-node: the data plane URL; it posts gzip JSON to {dataPlaneUrl}/v1/batch as x-www-form-urlencoded
    const analytics = new RudderAnalytics(run.writeKey, { dataPlaneUrl: run.url, flushAt: 20, flushInterval: 200,
      retryCount: 2, errorHandler: (err) => errors.push(String(err?.response?.status ?? '') + ' ' + (err?.message ?? err)) });
    const pending = [];
    return {
      send: (type, message) => pending.push(new Promise((resolve) => analytics[type](message, (err) => {
        if (err) errors.push(`${type}: ${err.message ?? err}`);
        resolve();
      }))),
      close: async () => { await analytics.flush(); await Promise.all(pending); },
    };
  }
  throw new Error(`unknown SDK ${sdk}`);
}

const c = client();
if (phase === 'before') {
  c.send('track', { anonymousId: run.anonymousId, event: 'Signed Up', properties: { runId: run.runId, plan: 'trial' } });
} else if (phase === 'main') {
  c.send('identify', { userId: run.userId, traits: { email: `${run.runId}@example.com`, name: 'Ada Node', sdk } });
  c.send('track', { userId: run.userId, event: 'Order Completed', properties: { orderId: `order-${run.runId}`, total: 42 } });
  c.send('page', { userId: run.userId, name: 'Pricing', properties: { path: '/pricing', url: 'https://example.com/pricing' } });
  c.send('group', { userId: run.userId, groupId: run.groupId, traits: { name: 'Acme Inc', employees: 120 } });
  c.send('alias', { previousId: run.anonymousId, userId: run.userId });
} else {
  throw new Error(`unknown phase ${phase}`);
}
await c.close();
if (errors.length > 0) {
  console.error(`${sdk} reported delivery errors: ${errors.join('; ')}`);
  process.exit(1);
}
console.log(JSON.stringify({ sdk, phase, delivered: true }));
