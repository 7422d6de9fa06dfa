/** The strict exposition-format parser itself, and /metrics parsed by it across a crash and restart. */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { startWebServer, type WebServer } from '../dist/src/frontends/web/index.js';
import { nextEvent, waitFor } from './helpers.js';
import { parsePrometheusText } from './web-prom-parser.js';

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode}: ${body}`))));
      })
      .on('error', reject);
  });
}

describe('the strict Prometheus text parser', () => {
  const ok = [
    '# HELP a_total Requests, with a \\\\ and a \\n in its help.',
    '# TYPE a_total counter',
    'a_total{path="/x",q="a\\"b\\\\c\\nd"} 3 1700000000000',
    'a_total{path="/y",} 4',
    '# a plain comment',
    '',
    '# TYPE g gauge',
    'g NaN',
    '# TYPE h histogram',
    'h_bucket{le="0.1"} 1',
    'h_bucket{le="1"} 2',
    'h_bucket{le="+Inf"} 2',
    'h_sum 0.5',
    'h_count 2',
    '',
  ].join('\n');

  it('accepts well-formed text, unescaping labels and help', () => {
    const f = parsePrometheusText(ok);
    expect(f.get('a_total')!.help).toBe('Requests, with a \\ and a \n in its help.');
    expect(f.get('a_total')!.samples[0]).toEqual({
      name: 'a_total',
      labels: { path: '/x', q: 'a"b\\c\nd' },
      value: 3,
      timestamp: 1700000000000,
    });
    expect(Number.isNaN(f.get('g')!.samples[0]!.value)).toBe(true);
    expect(f.get('h')!.samples).toHaveLength(5);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['no final newline', 'g 1', /end with a newline/],
    ['bad metric name', '1g 1\n', /bad metric name/],
    ['bad label name', 'g{1a="x"} 1\n', /bad label name/],
    ['reserved label', 'g{__name__="x"} 1\n', /reserved/],
    ['unquoted label value', 'g{a=x} 1\n', /expected ="/],
    ['bad escape', 'g{a="\\t"} 1\n', /bad escape/],
    ['unterminated value', 'g{a="x} 1\n', /unterminated|expected/],
    ['repeated label', 'g{a="x",a="y"} 1\n', /repeated/],
    ['missing value', 'g{a="x"}\n', /expected a value/],
    ['bad value', 'g 1,5\n', /not a float/],
    ['junk after value', 'g 1 2 3\n', /expected a value/],
    ['unknown type', '# TYPE g meter\n', /unknown type/],
    ['TYPE twice', '# TYPE g gauge\n# TYPE g gauge\n', /second TYPE/],
    ['HELP twice', '# HELP g x\n# HELP g y\n', /second HELP/],
    ['TYPE after samples', 'g 1\n# TYPE g gauge\n', /after its samples/],
    ['split family', '# TYPE g gauge\ng{a="1"} 1\n# TYPE k gauge\nk 1\ng{a="2"} 2\n', /not contiguous/],
    ['repeated series', 'g{a="1"} 1\ng{a="1"} 2\n', /repeated/],
    ['negative counter', '# TYPE c_total counter\nc_total -1\n', /counter/],
    ['bucket without le', '# TYPE h histogram\nh_bucket 1\nh_sum 1\nh_count 1\n', /without le/],
    [
      'decreasing buckets',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="2"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n',
      /decrease/,
    ],
    [
      'le out of order',
      '# TYPE h histogram\nh_bucket{le="2"} 1\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      /ascending/,
    ],
    ['no +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', /\+Inf/],
    ['+Inf != count', '# TYPE h histogram\nh_bucket{le="+Inf"} 3\nh_sum 1\nh_count 2\n', /!= _count/],
    ['no _sum', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 1\n', /_sum and _count/],
    [
      'histogram sample after its family',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n# TYPE k gauge\nk 1\nh_sum 2\n',
      /not contiguous/,
    ],
    ['le on _sum', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum{le="1"} 1\nh_count 1\n', /le on h_sum/],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => parsePrometheusText(text)).toThrow(message);
    });
  }
});

describe('/metrics through the strict parser, across a crash and restart', () => {
  let dash: Dashboard;
  let web: WebServer;
  beforeAll(async () => {
    dash = await startDashboard({ httpProbe: false, intervalMs: 250 });
    web = await startWebServer(dash, { port: 0 });
  });
  afterAll(async () => {
    await web?.close();
    await dash?.stop();
  });

  it('parses before any request, after requests, and after a worker restart', async () => {
    const empty = parsePrometheusText(await get(`${web.url}/metrics`));
    const hist = empty.get('threadboard_http_request_duration_seconds')!;
    expect(hist.samples.filter((s) => s.name.endsWith('_bucket')).every((s) => s.value === 0)).toBe(true);

    for (let i = 0; i < 1000; i++) dash.recordRequest({ durationMs: (i % 100) / 10, status: i % 10 === 0 ? 404 : 200 });
    const restarted = nextEvent(dash, 'restart', (e: { target: string }) => e.target === 'cpu');
    await dash.crash('cpu', 'throw');
    await restarted;
    const families = await waitFor('cpu restart in /metrics', async () => {
      const f = parsePrometheusText(await get(`${web.url}/metrics`));
      const r = f.get('threadboard_thread_restarts_total')!.samples.find((s) => s.labels.thread === 'cpu');
      return r?.value === 1 ? f : null;
    });
    const count = families.get('threadboard_http_request_duration_seconds')!.samples.find((s) => s.name.endsWith('_count'))!;
    expect(count.value).toBe(1000);
    expect(families.get('threadboard_http_responses_total')!.samples.find((s) => s.labels.code_class === '4xx')!.value).toBe(100);
    const statuses = families.get('threadboard_thread_status')!.samples;
    for (const thread of ['coordinator', 'cpu', 'memory', 'requests']) {
      expect(statuses.filter((s) => s.labels.thread === thread && s.value === 1)).toHaveLength(1);
    }
  });
});
