import { strict as assert } from 'node:assert';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARDS } from '../../src/pack/dashboards/index.js';
import { allPanels, committedDashboards, isRow, type DashboardJson, type PanelJson } from './support.js';

/** Panel types Grafana ships (core visualisations); anything else would import as "unknown panel". */
const GRAFANA_PANEL_TYPES = new Set([
  'row',
  'timeseries',
  'stat',
  'gauge',
  'bargauge',
  'table',
  'heatmap',
  'piechart',
  'barchart',
  'histogram',
  'text',
  'state-timeline',
  'status-history',
  'xychart',
  'trend',
  'candlestick',
  'logs',
  'nodeGraph',
  'traces',
  'flamegraph',
  'geomap',
  'canvas',
  'news',
  'dashlist',
  'alertlist',
  'annolist',
  'datagrid',
]);
/** Grafana 11.0 wrote schema 39; the SDK writes the schema of the Grafana it was generated for. */
const OLDEST_SCHEMA = 39;
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** The stable uids, pinned: links, bookmarks and provisioning depend on them. */
const UIDS = ['ai-pricetag-spend', 'ai-pricetag-budgets', 'ai-pricetag-tier-drift', 'ai-pricetag-pricing-fit', 'ai-pricetag-health'];

const dataPanels = (d: DashboardJson) => allPanels(d).filter((p) => !isRow(p));
const name = (d: DashboardJson, p: PanelJson) => `${d.uid} / ${p.title ?? `panel ${p.id}`}`;

describe('dashboards: Grafana import', function () {
  const committed = committedDashboards();
  const dashboards = [...committed.values()].map((d) => d.json);

  it('has stable, unique uids, one file per dashboard named after it', function () {
    assert.deepEqual(
      Object.values(DASHBOARDS).map((d) => d.uid),
      UIDS,
    );
    assert.deepEqual([...committed.keys()], UIDS.map((u) => `${u}.json`).sort());
    for (const [file, { json }] of committed) assert.equal(`${json.uid}.json`, file);
    assert.equal(new Set(dashboards.map((d) => d.uid)).size, dashboards.length);
    assert.equal(new Set(dashboards.map((d) => d.title)).size, dashboards.length, 'titles are unique');
  });

  it('declares the current schema version', function () {
    const current = new DashboardBuilder('probe').build().schemaVersion;
    assert.ok(typeof current === 'number' && current >= OLDEST_SCHEMA);
    for (const d of dashboards) assert.equal(d.schemaVersion, current, d.uid);
  });

  it('uses only real Grafana panel types, with unique panel ids', function () {
    for (const d of dashboards) {
      for (const p of allPanels(d)) assert.ok(GRAFANA_PANEL_TYPES.has(p.type), `${name(d, p)}: panel type ${p.type}`);
      const ids = allPanels(d).map((p) => p.id);
      assert.ok(
        ids.every((id) => Number.isInteger(id) && id! > 0),
        `${d.uid}: every panel has a positive integer id`,
      );
      assert.equal(new Set(ids).size, ids.length, `${d.uid}: panel ids are unique`);
    }
  });

  it('lays panels out within 24 columns, without overlaps', function () {
    for (const d of dashboards) {
      const boxes = allPanels(d).map((p) => ({ p, g: p.gridPos }));
      for (const { p, g } of boxes) {
        assert.ok(g !== undefined, `${name(d, p)} has a gridPos`);
        assert.ok(g.x >= 0 && g.y >= 0 && g.w >= 1 && g.h >= 1 && g.x + g.w <= 24, `${name(d, p)}: gridPos ${JSON.stringify(g)}`);
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.g!;
          const b = boxes[j]!.g!;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          assert.ok(!overlap, `${name(d, boxes[i]!.p)} overlaps ${name(d, boxes[j]!.p)}`);
        }
      }
    }
  });

  it('reads every query through the $datasource variable, which defaults to the provisioned Prometheus', function () {
    for (const d of dashboards) {
      const ds = d.templating.list.find((v) => v.name === 'datasource');
      assert.ok(
        ds !== undefined && ds.type === 'datasource' && ds.query === 'prometheus',
        `${d.uid}: a datasource variable of type prometheus`,
      );
      assert.equal(ds.current?.value, 'prometheus', `${d.uid}: defaults to uid prometheus`);
      for (const v of d.templating.list.filter((x) => x.type === 'query'))
        assert.deepEqual(v.datasource, DATASOURCE, `${d.uid}: variable ${v.name}`);
      for (const p of dataPanels(d)) {
        assert.deepEqual(p.datasource, DATASOURCE, name(d, p));
        assert.ok((p.targets ?? []).length > 0, `${name(d, p)} has queries`);
        for (const t of p.targets ?? []) assert.deepEqual(t.datasource, DATASOURCE, `${name(d, p)} › ${t.refId}`);
        const refIds = (p.targets ?? []).map((t) => t.refId);
        assert.equal(new Set(refIds).size, refIds.length, `${name(d, p)}: unique refIds`);
      }
    }
  });

  it('sets a unit and a description saying how to read every data panel', function () {
    for (const d of dashboards) {
      assert.ok((d.description ?? '').length > 30, `${d.uid} has a description`);
      for (const p of dataPanels(d)) {
        assert.ok((p.fieldConfig?.defaults?.unit ?? '') !== '', `${name(d, p)} has a unit`);
        if (p.type === 'heatmap') assert.ok((p.options?.yAxis?.unit ?? '') !== '', `${name(d, p)} has a y-axis unit`);
        assert.ok((p.description ?? '').length >= 60, `${name(d, p)} has a description of how to read it`);
      }
    }
  });

  it('filters by job, provider, model and tier where meaningful, and links the dashboards together', function () {
    const filters = (d: DashboardJson) => d.templating.list.filter((v) => v.type === 'query').map((v) => v.name);
    const byUid = new Map(dashboards.map((d) => [d.uid, d]));
    assert.deepEqual(filters(byUid.get(DASHBOARDS.spend.uid)!), ['job', 'provider', 'model', 'tier']);
    assert.deepEqual(filters(byUid.get(DASHBOARDS.tierDrift.uid)!), ['job', 'provider', 'model', 'plan', 'tier']);
    assert.deepEqual(filters(byUid.get(DASHBOARDS.pricingFit.uid)!), ['job', 'provider', 'model', 'tier', 'currency']);
    assert.deepEqual(filters(byUid.get(DASHBOARDS.health.uid)!), ['job', 'provider', 'model']);
    assert.deepEqual(filters(byUid.get(DASHBOARDS.budgets.uid)!), ['budget']);
    for (const d of dashboards) {
      assert.deepEqual(d.tags, ['ai-pricetag'], d.uid);
      assert.ok(
        (d.links ?? []).some((l) => l.type === 'dashboards' && l.tags?.includes('ai-pricetag')),
        `${d.uid} links to the other dashboards of the pack`,
      );
      for (const link of d.links ?? [])
        assert.equal(link.placement, undefined, `${d.uid}: links show above the panels, not in the controls menu`);
      for (const p of allPanels(d)) {
        for (const link of p.links ?? []) {
          assert.equal(link.placement, undefined, `${name(d, p)}: link placement`);
          const uid = /^\/d\/([^?]+)\?/.exec(link.url ?? '')?.[1];
          assert.ok(uid !== undefined && byUid.has(uid), `${name(d, p)}: link ${link.url} opens a dashboard of the pack`);
        }
      }
    }
  });
});
