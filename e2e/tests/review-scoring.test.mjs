// The review and scoring journey (issue 3), in the browser: a reviewer opens a batch; designers
// submit (set up through the JSON API, as the designer's own journey is designer.test.mjs); the
// reviewer reviews each application item by item, returns one with a comment (its designer sees
// the comment) and accepts the others; closes the batch; assigns experts (preview, then commit:
// the same draw); every expert scores their assignments with the live total; the reviewer
// watches the results, previews and publishes the ratings; the rated designer sees the stars and
// the notification; the library lists the rated designers for staff (and only the consenting
// ones, without totals, for the public).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEnv, signIn, submitAndWait, assertVisible, mainText, residentId, completeForm, settle,
  submittedApplication, unique,
} from '../support.mjs';

const STAFF_PASSWORD = 'staff-pass-2025!';
const DESIGNER_PASSWORD = 'designer-pass-2025';
const BATCH = '2025年第四批';
const SEED = '20230617';
const CATEGORIES = ['titles', 'awards', 'articles', 'ip_rights', 'honors', 'compensation', 'projects'];

const reviewer = { email: 'reviewer@example.cn', password: STAFF_PASSWORD, name: '市经信委审核员', role: 'reviewer' };
const service = { email: 'service@example.cn', password: STAFF_PASSWORD, name: '人才服务中心', role: 'service_staff' };
// Every expert gives the same sheet to each of their assignments; the totals are 64, 55, 43.75.
const experts = [
  { email: 'expert.liu@example.cn', password: STAFF_PASSWORD, name: '刘教授', role: 'expert', employer: '重庆大学',
    sheet: { titles: 12, awards: 20, articles: 6, ip_rights: 8, honors: 5, compensation: 7, projects: 6 } },
  { email: 'expert.zhou@example.cn', password: STAFF_PASSWORD, name: '周工程师', role: 'expert', employer: '四川美术学院',
    sheet: { titles: 10, awards: 18, articles: 5, ip_rights: 7, honors: 4, compensation: 6, projects: 5 } },
  { email: 'expert.wu@example.cn', password: STAFF_PASSWORD, name: '吴设计总监', role: 'expert', employer: '重庆工业设计促进中心',
    sheet: { titles: 8, awards: 15.5, articles: 4, ip_rights: 6, honors: 3.25, compensation: 4, projects: 3 } },
];
const sheetTotal = (sheet) => CATEGORIES.reduce((s, k) => s + Math.round(sheet[k] * 100), 0) / 100;

// A: accepted, scored, consents to the public directory. B: returned with a comment.
// C: accepted, works at 重庆大学 like 刘教授 (who must never score C), no public listing.
const designers = {
  a: { name: '张晓雯', employer: '重庆飞象工业设计有限公司', id17: '50010319900215124', district: '500103', consent: true },
  b: { name: '王浩然', employer: '重庆长安汽车股份有限公司', id17: '50010519870704321', district: '500105', consent: true },
  c: { name: '陈思远', employer: '重庆大学', id17: '50010619920830567', district: '500106', consent: false },
};
const RETURN_COMMENT = '请补充上传2024年度个人所得税纳税记录，并核对职称证书的取得日期。';

let env;
let batchId;
/** Application name → list of expert names, as previewed (and then committed). */
let draw;

before(async () => {
  env = await startEnv('review-scoring');
  for (const u of [reviewer, service, ...experts]) {
    await env.createUser(u);
  }
});

after(async () => {
  await env?.close();
});

/** Mean of the totals of the experts on a panel, rounded half away from zero to 2 decimals. */
function expectedTotal(expertNames) {
  const totals = expertNames.map((n) => sheetTotal(experts.find((e) => e.name === n).sheet));
  const mean = totals.reduce((s, x) => s + x, 0) / totals.length;
  return (Math.round(mean * 100 + 1e-9) / 100).toFixed(2);
}

/** Stars by the default rubric's thresholds (85, 70, 55, 40, 25). */
function expectedStars(total) {
  const t = Number(total);
  return [[85, 5], [70, 4], [55, 3], [40, 2], [25, 1]].find(([min]) => t >= min)?.[1] ?? 0;
}
// The rubric's names, used on every page (rating, library, batch pages, home).
const STAR_NAMES = ['暂定星级', '一星级', '二星级', '三星级', '四星级', '五星级'];

test('review, expert scoring and published ratings', async (t) => {
  const rv = await env.actor('reviewer');
  const page = rv.page;

  await env.step(t, 'the reviewer opens a batch on /batches', async () => {
    await signIn(page, reviewer);
    assert.equal(new URL(page.url()).pathname, '/review');
    await assertVisible(page.getByText('还没有申报批次。'));
    await submitAndWait(page, page.getByRole('link', { name: '前往申报批次管理' }));
    assert.equal(new URL(page.url()).pathname, '/batches');
    // A name is required.
    await submitAndWait(page, page.getByRole('button', { name: '创建' }));
    await assertVisible(page.locator('#name-error').filter({ hasText: '此项为必填项' }));
    await page.getByLabel('批次名称').fill(BATCH);
    await submitAndWait(page, page.getByRole('button', { name: '创建' }));
    await assertVisible(page.getByText('批次已创建并开放申报'));
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: BATCH }) });
    assert.equal((await row.locator('.badge').innerText()).trim(), '申报中');
    batchId = (await row.getByRole('link', { name: BATCH, exact: true }).getAttribute('href')).split('/').pop();
    assert.ok(batchId);
  });

  await env.step(t, 'three designers submit their applications (set up through the API)', async () => {
    for (const [key, d] of Object.entries(designers)) {
      const email = `${unique(`designer-${key}-`)}@example.cn`;
      const form = completeForm({
        name: d.name, idNumber: residentId(d.id17), email, district: d.district,
        employer: d.employer, publicConsent: d.consent,
      });
      Object.assign(d, await submittedApplication(env, { email, password: DESIGNER_PASSWORD, name: d.name, form }));
      assert.equal(d.application.batch_id, batchId, `${d.name} applied in the new batch`);
    }
  });

  await env.step(t, 'the review queue lists the submitted applications', async () => {
    await page.goto('/review');
    await assertVisible(page.getByRole('heading', { name: `“${BATCH}”各状态申报数` }));
    await assertVisible(page.locator('.stat-submitted .stat-value').filter({ hasText: /^3$/ }));
    for (const d of Object.values(designers)) {
      const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: d.name }) });
      await assertVisible(row);
      assert.equal((await row.locator('.badge').innerText()).trim(), '已提交');
      assert.ok((await row.innerText()).includes(d.employer));
    }
  });

  await env.step(t, 'the queue filters apply on a mouse choice at once, by keyboard on Enter, focus kept', async () => {
    await page.goto(`/review?batch_id=${batchId}`);
    const status = page.locator('select[name="status"]');
    await status.focus();
    // Arrow keys step through the choices without reloading the page.
    const before = page.url();
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(300);
    assert.equal(page.url(), before, 'no reload on an arrow key');
    assert.equal(await status.inputValue(), 'submitted');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('status') === 'submitted'), page.keyboard.press('Enter')]);
    await page.waitForLoadState('domcontentloaded');
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('name')), 'status', 'focus is back on the filter');
    // Chosen with the mouse (no key pressed): it applies at once.
    await page.locator('h1').click();
    await page.waitForTimeout(600);
    await Promise.all([page.waitForURL((u) => u.searchParams.get('sort') === 'name'), page.locator('select[name="sort"]').selectOption('name')]);
  });

  await env.step(t, 'the queue links each application to its document review page', async () => {
    await page.goto(`/review?batch_id=${batchId}`);
    const link = page.getByRole('row').filter({ hasText: designers.b.name }).getByRole('link').first();
    await submitAndWait(page, link);
    assert.equal(new URL(page.url()).pathname, `/review/applications/${designers.b.applicationId}`);
    // The read-only record leads there too.
    await page.goto(`/applications/${designers.b.applicationId}`);
    await submitAndWait(page, page.locator('main').getByRole('link', { name: '材料审核' }));
    assert.equal(new URL(page.url()).pathname, `/review/applications/${designers.b.applicationId}`);
  });

  /** Opens the document review page of one application. */
  async function openReview(d) {
    // From the batch's queue, as a reviewer works.
    await page.goto(`/review?batch_id=${batchId}`);
    await submitAndWait(page, page.getByRole('row').filter({ hasText: d.name }).getByRole('link', { name: d.name }));
    assert.equal(new URL(page.url()).pathname, `/review/applications/${d.applicationId}`);
    await assertVisible(page.getByRole('heading', { level: 1, name: new RegExp(`材料审核\\s*${d.name}`) }));
    // Every PDF preview loaded before the confirm() of the decision button (see settle()).
    await settle(page);
  }

  await env.step(t, 'reviewing one application: evidence beside every item; return needs a comment', async () => {
    const d = designers.b;
    await openReview(d);
    // Every evidence item shows its file beside it: the PNG as an image, the PDF in a frame.
    const items = page.locator('article.review-item');
    assert.equal(await items.count(), 8, 'seven lists with one item each, plus the compensation');
    for (let i = 0; i < 8; i++) {
      const it = items.nth(i);
      await assertVisible(it.locator('.review-item-files a[href^="/api/v1/attachments/"]'));
      assert.equal(await it.locator('.review-item-files img, .review-item-files iframe').count(), 1);
    }
    // The image really loads (the evidence is served to the reviewer).
    const img = page.locator('.review-item-files img').first();
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    // Verify two items, choose "return" without a comment: refused, the ticks are kept.
    const titles = page.locator('#section-titles article.review-item');
    await titles.getByLabel('已核对证明材料，信息属实').check();
    await titles.getByLabel('核验备注').fill('职称证书日期与申报表不一致');
    await page.locator('#section-education article.review-item').getByLabel('已核对证明材料，信息属实').check();
    await page.getByRole('radio', { name: '退回修改' }).check();
    // A return without a comment is not confirmed first: the server's message comes at once.
    const asked = [];
    const record = (d) => asked.push(d.message());
    page.on('dialog', record);
    await submitAndWait(page, page.getByRole('button', { name: '保存审核结论' }));
    page.off('dialog', record);
    assert.deepEqual(asked, [], 'no confirmation of a return without its comment');
    await assertVisible(page.locator('.error-summary'));
    await assertVisible(page.locator('#comment-error').filter({ hasText: '请填写审核意见' }));
    assert.ok(await page.getByRole('radio', { name: '退回修改' }).isChecked());
    assert.ok(await page.locator('#section-titles').getByLabel('已核对证明材料，信息属实').isChecked());
    assert.equal(await page.locator('#section-titles').getByLabel('核验备注').inputValue(), '职称证书日期与申报表不一致');
    // With the comment it is saved.
    await settle(page);
    await page.getByLabel('审核意见').fill(RETURN_COMMENT);
    page.on('dialog', record);
    await submitAndWait(page, page.getByRole('button', { name: '保存审核结论' }));
    page.off('dialog', record);
    assert.equal(asked.length, 1, 'with the comment, the return is confirmed');
    assert.ok(asked[0].includes('退回修改'), asked[0]);
    await assertVisible(page.getByText('审核结果已保存'));
    assert.equal(new URL(page.url()).pathname, '/review');
  });

  await env.step(t, 'the decision "审核通过" is labelled: clicking its label selects it', async () => {
    await openReview(designers.a);
    // Without a decision there is nothing to confirm: the server says what is missing.
    const asked = [];
    const record = (d) => asked.push(d.message());
    page.on('dialog', record);
    await submitAndWait(page, page.getByRole('button', { name: '保存审核结论' }));
    page.off('dialog', record);
    assert.deepEqual(asked, [], 'no confirmation without a decision');
    await assertVisible(page.locator('#decision-error'));
    await settle(page);
    await page.locator('label[for="decision"]').click();
    assert.ok(await page.locator('input[name="decision"][value="accept"]').isChecked(), 'clicking the label selects it');
    assert.equal(await page.getByRole('radio', { name: '审核通过' }).count(), 1);
  });

  const acceptRadio = () => page.getByRole('radio', { name: '审核通过' });

  await env.step(t, 'accepting the other two, verifying every item of one of them', async () => {
    const asked = [];
    const record = (d) => asked.push(d.message());
    page.on('dialog', record);
    for (const d of [designers.a, designers.c]) {
      await openReview(d);
      if (d === designers.a) {
        const boxes = page.getByLabel('已核对证明材料，信息属实');
        assert.equal(await boxes.count(), 8);
        for (let i = 0; i < 8; i++) { await boxes.nth(i).check(); }
      }
      await acceptRadio().check();
      await submitAndWait(page, page.getByRole('button', { name: '保存审核结论' }));
      await assertVisible(page.getByText('审核结果已保存'));
    }
    page.off('dialog', record);
    // The confirmation names the decision chosen.
    assert.equal(asked.length, 2, asked.join(' | '));
    for (const q of asked) { assert.ok(q.includes('“审核通过”'), q); }
    // Nothing is left to review; the decided ones are read-only with their saved checks.
    await page.goto(`/review?batch_id=${batchId}`);
    await assertVisible(page.locator('.stat-accepted .stat-value').filter({ hasText: /^2$/ }));
    await assertVisible(page.locator('.stat-returned .stat-value').filter({ hasText: /^1$/ }));
    await page.goto(`/review/applications/${designers.a.applicationId}`);
    await assertVisible(page.getByText(/只有“已提交”的申报可以作出审核结论/));
    assert.equal(await page.getByRole('button', { name: '保存审核结论' }).count(), 0);
    assert.equal(await page.locator('.badge').filter({ hasText: /^已核验$/ }).count(), 8);
    // Verified items count towards the reference score (not zero any more).
    const total = await page.locator('#reference tfoot td').first().innerText();
    assert.ok(Number(total) > 0, `reference total ${total}`);
  });

  await env.step(t, 'the returned designer sees the comment on their status page', async () => {
    const { page: dp } = await env.actor('designer-b');
    await signIn(dp, designers.b);
    assert.equal(new URL(dp.url()).pathname, '/me/application');
    const card = dp.locator('.application-card');
    assert.equal((await card.locator('.badge').innerText()).trim(), '退回修改');
    await assertVisible(card.getByText(`审核意见：${RETURN_COMMENT}`));
    await submitAndWait(dp, card.getByRole('link', { name: '查看申报表' }));
    await assertVisible(dp.locator('.review-comment').filter({ hasText: RETURN_COMMENT }));
    const steps = dp.locator('ol.timeline > li');
    const returned = steps.filter({ hasText: '退回修改' });
    await assertVisible(returned.locator('.timeline-note').filter({ hasText: RETURN_COMMENT }));
    // They may change it again.
    await assertVisible(dp.getByRole('link', { name: '修改申报' }));
    // And they were notified, with the comment.
    await dp.goto('/notifications');
    const note = dp.locator('.notification').filter({ hasText: '您的申报被退回补充材料' });
    await assertVisible(note);
    const noteText = await note.innerText();
    assert.ok(noteText.includes(RETURN_COMMENT));
    // The comment ends with its own full stop: nothing doubles it.
    assert.ok(!/。。|。\./.test(noteText), noteText);
  });

  await env.step(t, 'the reviewer closes the batch', async () => {
    await page.goto(`/batches/${batchId}`);
    await assertVisible(page.getByText('下一步：截止申报'));
    await submitAndWait(page, page.locator('#content').getByRole('button', { name: '截止申报' }));
    await assertVisible(page.getByText('批次已截止申报'));
    // Back on the batch's own page, where its next step is.
    assert.ok(new URL(page.url()).pathname === `/batches/${batchId}`, page.url());
    await assertVisible(page.getByText('下一步：分配评审专家'));
    await page.goto('/batches');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: BATCH }) });
    assert.equal((await row.locator('.badge').innerText()).trim(), '已截止');
  });

  await env.step(t, 'assigning experts: preview, then commit the same draw', async () => {
    await page.goto(`/batches/${batchId}`);
    await assertVisible(page.getByText('下一步：分配评审专家'));
    const assign = page.locator('#assign');
    await assertVisible(assign.getByText(/为本批次 2 份审核通过的申报随机分配专家（系统中共有 3 名专家）/));
    // Three experts each: 陈思远 has only two without a conflict. The page says who and why.
    await assign.getByLabel('每份申报的专家人数').fill('3');
    await submitAndWait(page, assign.getByRole('button', { name: '预览分配结果' }));
    const notice = await page.locator('#assign .notice-warning').innerText();
    for (const part of ['3 名', '陈思远', '只有 2 名', '重庆大学', '用户管理']) {
      assert.ok(notice.includes(part), `${part} in: ${notice}`);
    }
    await assign.getByLabel('每份申报的专家人数').fill('2');
    await assign.getByLabel('随机种子（可不填）').fill(SEED);
    await submitAndWait(page, assign.getByRole('button', { name: '预览分配结果' }));
    const preview = page.locator('.assign-preview');
    await assertVisible(preview.getByText(`2 份申报，每份 2 名专家，共 4 项评分任务；随机种子 ${SEED}。`));
    // Nothing saved yet: still closed.
    assert.equal((await page.locator('.page-meta .badge').innerText()).trim(), '已截止');
    draw = {};
    const rows = preview.getByRole('table', { name: '各申报的评审专家' }).locator('tbody tr');
    for (let i = 0; i < await rows.count(); i++) {
      const cells = rows.nth(i).locator('th, td');
      draw[(await cells.nth(0).innerText()).trim()] = (await cells.nth(2).innerText()).trim().split('、');
    }
    assert.deepEqual(Object.keys(draw).sort(), [designers.a.name, designers.c.name].sort());
    for (const names of Object.values(draw)) { assert.equal(new Set(names).size, 2); }
    // Never a colleague: 刘教授 (重庆大学) does not score 陈思远 (重庆大学).
    assert.ok(!draw[designers.c.name].includes('刘教授'), `C's panel: ${draw[designers.c.name]}`);
    // Balanced: 4 tasks over 3 experts, loads differ by at most one.
    const loads = (await preview.getByRole('table', { name: '各专家任务量' }).locator('tbody td.num').allInnerTexts()).map(Number);
    assert.equal(loads.reduce((s, x) => s + x, 0), 4);
    assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, `loads ${loads}`);
    // The seed stays in the form; committing uses it. The commit button follows the draw.
    assert.equal(await assign.getByLabel('随机种子（可不填）').inputValue(), SEED);
    const drawBox = await preview.getByRole('table', { name: '各申报的评审专家' }).boundingBox();
    const commitBox = await assign.getByRole('button', { name: '确认并保存分配' }).boundingBox();
    assert.ok(commitBox.y > drawBox.y + drawBox.height, 'the commit button comes after the preview');
    await submitAndWait(page, page.locator('#assign').getByRole('button', { name: '确认并保存分配' }));
    await assertVisible(page.getByText('评审专家已分配，批次进入专家评分阶段'));
    assert.equal((await page.locator('.page-meta .badge').innerText()).trim(), '专家评分中');
    // The saved panels are the previewed ones.
    for (const [name, panel] of Object.entries(draw)) {
      const row = page.locator('.swap-row').filter({ has: page.getByRole('link', { name }) });
      const onPanel = (await row.locator('.panel-experts li').allInnerTexts()).map((s) => s.replace(/未评分|已评分/, '').trim());
      assert.deepEqual(onPanel.sort(), [...panel].sort(), `panel of ${name}`);
    }
    await assertVisible(page.getByText('已评分 0 / 4（0%）'));
    await assertVisible(page.getByText('暂不能发布评级：'));
    // Replacing an expert with nothing chosen asks nothing; the page says what to choose.
    const asked = [];
    const record = (d) => asked.push(d.message());
    page.on('dialog', record);
    await submitAndWait(page, page.locator('.swap-form').getByRole('button', { name: /更换/ }).first());
    page.off('dialog', record);
    assert.deepEqual(asked, [], 'no confirmation without a choice');
    await assertVisible(page.locator('.swap-error').filter({ hasText: '请选择要替换的专家和新的专家' }));
  });

  await env.step(t, 'while the experts score, the designer sees the scoring in progress', async () => {
    const { page: dp } = await env.actor('designer-a-scoring');
    await signIn(dp, designers.a);
    await dp.goto('/me/application');
    await assertVisible(dp.locator('.application-card').getByText(/专家正在评分/));
    await dp.goto(`/applications/${designers.a.applicationId}`);
    const current = dp.locator('ol.timeline > li[aria-current="step"]');
    assert.equal((await current.locator('.timeline-label').innerText()).trim(), '专家评分');
    await assertVisible(dp.locator('ol.timeline > li.step-todo').filter({ hasText: '评定星级' }));
  });

  for (const [i, expert] of experts.entries()) {
    await env.step(t, `expert ${expert.name} scores their assignments with the live total`, async () => {
      const mine = Object.entries(draw).filter(([, panel]) => panel.includes(expert.name)).map(([n]) => n);
      assert.ok(mine.length >= 1, `${expert.name} has assignments`);
      const { page: ep } = await env.actor(`expert-${i + 1}`);
      await signIn(ep, expert);
      // An expert lands on their queue after signing in.
      assert.equal(new URL(ep.url()).pathname, '/expert');
      await assertVisible(ep.getByRole('heading', { level: 1, name: '评分任务' }));
      await assertVisible(ep.getByText(`已评 0 份，共 ${mine.length} 份`).first());
      const listed = (await ep.locator('.queue-batch tbody th a').allInnerTexts()).map((s) => s.trim());
      assert.deepEqual(listed.sort(), [...mine].sort(), 'the queue lists exactly the assigned applications');
      await submitAndWait(ep, ep.getByRole('link', { name: '开始评分' }));

      const total = sheetTotal(expert.sheet).toFixed(2);
      for (let n = 0; n < mine.length; n++) {
        await assertVisible(ep.getByRole('heading', { level: 1, name: /^评分：/ }));
        const who = (await ep.getByRole('heading', { level: 1 }).innerText()).replace(/^评分：/, '').trim();
        assert.ok(mine.includes(who), `${who} is assigned to ${expert.name}`);
        // The evidence is there to read, and the reference points.
        await assertVisible(ep.locator('.sc-files a[href^="/api/v1/attachments/"]'));
        await assertVisible(ep.getByRole('heading', { name: '参考分' }));
        // Each reference rule reads as words, never as a rubric key.
        const rules = await ep.locator('.sc-rule').allInnerTexts();
        // 张晓雯's items were all verified, so each has its rule (陈思远's were not: none count).
        if (who === designers.a.name) { assert.equal(rules.length, 7, 'a rule beside every scored item (education is not scored)'); }
        for (const r of rules) {
          assert.ok(r.startsWith('计分规则：') && !/[a-z_]+\.[a-z_]+/.test(r), r);
        }
        const live = ep.locator('#live-total');
        assert.equal((await live.innerText()).trim(), '0.00', 'nothing typed yet');
        let running = 0;
        for (const key of CATEGORIES) {
          await ep.locator(`input[name="scores.${key}"]`).fill(String(expert.sheet[key]));
          running += Math.round(expert.sheet[key] * 100);
          await assertVisible(ep.locator('#live-total').filter({ hasText: new RegExp(`^${(running / 100).toFixed(2).replace('.', '\\.')}$`) }), `live total after ${key}`);
        }
        assert.equal((await live.innerText()).trim(), total);
        if (i === 0 && n === 0) {
          // Above a category's maximum: refused beside the field, the typed scores kept.
          await ep.locator('input[name="scores.titles"]').fill('16');
          // The live total says at once that it cannot be saved as it is.
          await assertVisible(ep.locator('#live-total-warning').filter({ hasText: '有分数超出该项的分值范围，不能保存' }));
          assert.match((await live.innerText()).trim(), /^\d+\.\d\d$/, 'the total itself stays a number');
          await submitAndWait(ep, ep.getByRole('button', { name: '保存', exact: true }));
          await assertVisible(ep.locator('#scores-titles-error').filter({ hasText: '应在 0 至 15 之间' }));
          assert.equal(await ep.locator('input[name="scores.awards"]').inputValue(), String(expert.sheet.awards));
          await ep.locator('input[name="scores.titles"]').fill(String(expert.sheet.titles));
          assert.equal((await ep.locator('#live-total-warning').innerText()).trim(), '', 'back in range: no warning');
          // On a 1366×768 screen the comment box is reached with Tab and nothing covers it.
          await ep.setViewportSize({ width: 1366, height: 768 });
          await ep.locator('input[name="scores.projects"]').focus();
          await ep.keyboard.press('Tab');
          const seen = await ep.evaluate(() => {
            const box = document.activeElement;
            const r = box.getBoundingClientRect();
            const at = (y) => document.elementFromPoint(r.left + r.width / 2, y);
            return { id: box.id, top: at(r.top + 4) === box, bottom: at(r.bottom - 4) === box, inView: r.top >= 0 && r.bottom <= innerHeight };
          });
          assert.deepEqual(seen, { id: 'comment', top: true, bottom: true, inView: true }, 'the comment box is in view and uncovered');
          await ep.setViewportSize({ width: 1280, height: 900 });
          await ep.getByLabel('评审意见').fill('获奖材料齐全，职称证书清晰。');
          await submitAndWait(ep, ep.getByRole('button', { name: '保存', exact: true }));
          await assertVisible(ep.getByText('评分已保存'));
          assert.equal((await ep.locator('#live-total').innerText()).trim(), total, 'saved scores come back');
          await assertVisible(ep.getByText(/^最近保存：/));
        }
        const last = n === mine.length - 1;
        await submitAndWait(ep, ep.getByRole('button', { name: last ? '保存并返回任务列表' : '保存并评下一份' }));
      }
      assert.equal(new URL(ep.url()).pathname, '/expert');
      await assertVisible(ep.getByText('评分已保存，全部申报均已评分'));
      await assertVisible(ep.getByText(`已评 ${mine.length} 份，共 ${mine.length} 份`).first());
      const myTotals = await ep.locator('.queue-batch tbody td.num').allInnerTexts();
      assert.deepEqual(myTotals.map((s) => s.trim()), mine.map(() => total));
      // An application not assigned to this expert does not exist for them.
      const others = Object.entries(draw).filter(([, panel]) => !panel.includes(expert.name)).map(([n]) => n);
      for (const name of others) {
        const d = Object.values(designers).find((x) => x.name === name);
        const res = await ep.goto(`/expert/applications/${d.applicationId}`);
        assert.equal(res.status(), 404, `${expert.name} may not open ${name}'s score sheet`);
      }
    });
  }

  await env.step(t, 'an expert finds their scoring assignments in the navigation from any page', async () => {
    const { page: ep } = await env.actor('expert-navigation');
    await signIn(ep, experts[1]);
    await ep.goto('/');
    await submitAndWait(ep, ep.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '评分任务' }));
    assert.equal(new URL(ep.url()).pathname, '/expert');
  });

  await env.step(t, 'the reviewer sees the results and the preview of the stars', async () => {
    await page.goto(`/batches/${batchId}`);
    await assertVisible(page.getByText('已评分 4 / 4（100%）'));
    await assertVisible(page.getByText('全部评分已完成。发布后将为 2 份申报评定星级并通知设计师。', { exact: false }));
    const preview = page.getByRole('table', { name: '星级分布预览（尚未发布）' });
    await assertVisible(preview);
    const expected = {};
    for (const [name, panel] of Object.entries(draw)) {
      const stars = expectedStars(expectedTotal(panel));
      expected[stars] = (expected[stars] || 0) + 1;
    }
    const shown = {};
    for (const tr of await preview.locator('tbody tr').all()) {
      shown[(await tr.locator('th').innerText()).trim()] = (await tr.locator('td.num').innerText()).trim();
    }
    assert.deepEqual(shown, Object.fromEntries(STAR_NAMES.map((n, i) => [n, String(expected[i] || 0)])),
      'the preview counts the expected stars');

    await submitAndWait(page, page.getByRole('link', { name: '评分结果' }).first());
    assert.equal(new URL(page.url()).pathname, `/batches/${batchId}/results`);
    const table = page.getByRole('table', { name: new RegExp(`“${BATCH}”评分结果`) });
    for (const [name, panel] of Object.entries(draw)) {
      const row = table.locator('tbody tr').filter({ has: page.getByRole('link', { name }) });
      const cells = await row.locator('td').allInnerTexts();
      assert.equal(cells[1].trim(), '2', `${name}: two experts`);
      assert.equal(cells[2].trim(), expectedTotal(panel), `${name}: total`);
      assert.equal(cells[3].trim(), STAR_NAMES[expectedStars(expectedTotal(panel))], `${name}: stars by the current total`);
    }
    await assertVisible(table.getByRole('columnheader', { name: '按当前总分的星级' }));
    // The returned application is not among the results.
    assert.ok(!(await mainText(page)).includes(designers.b.name));
    // One application's panel: each expert's sheet with its total.
    const a = designers.a;
    await submitAndWait(page, table.getByRole('link', { name: a.name }));
    await assertVisible(page.getByRole('heading', { level: 1, name: new RegExp(`专家评分详情\\s*${a.name}`) }));
    const sheets = page.getByRole('table', { name: '各专家评分（2 名）' });
    for (const name of draw[a.name]) {
      const row = sheets.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name }) });
      const expert = experts.find((e) => e.name === name);
      assert.equal((await row.locator('td.num strong').innerText()).trim(), sheetTotal(expert.sheet).toFixed(2), `${name}'s total`);
    }
    assert.equal((await sheets.locator('tfoot tr.row-aggregate td.num strong').innerText()).trim(), expectedTotal(draw[a.name]));
    // 刘教授 always scores A (the only application he may score) and left a comment.
    await assertVisible(page.getByText('获奖材料齐全，职称证书清晰。'));
  });

  await env.step(t, 'the reviewer publishes the ratings', async () => {
    await page.goto(`/batches/${batchId}#finalize`);
    await submitAndWait(page, page.getByRole('button', { name: '发布评级结果' }));
    await assertVisible(page.getByText('评级结果已发布'));
    assert.equal((await page.locator('.page-meta .badge').innerText()).trim(), '结果已发布');
    await assertVisible(page.getByText('评级已发布，本批次工作已全部完成。'));
    await assertVisible(page.getByText('本批次已为 2 份申报评定星级。'));
    // The results now name each published rating.
    await page.goto(`/batches/${batchId}/results`);
    const table = page.getByRole('table', { name: new RegExp(`“${BATCH}”评分结果`) });
    await assertVisible(table.getByRole('columnheader', { name: '评定星级' }));
    for (const [name, panel] of Object.entries(draw)) {
      const row = table.locator('tbody tr').filter({ has: page.getByRole('link', { name }) });
      assert.equal((await row.locator('td').nth(3).innerText()).trim(), STAR_NAMES[expectedStars(expectedTotal(panel))], name);
    }
  });

  await env.step(t, 'the rated designer sees the stars at /me/ratings and the notifications', async () => {
    const d = designers.a;
    const total = expectedTotal(draw[d.name]);
    const stars = expectedStars(total);
    const { page: dp } = await env.actor('designer-a');
    await signIn(dp, d);
    await dp.goto('/me/ratings');
    await assertVisible(dp.getByRole('heading', { level: 1, name: '我的星级评定' }));
    const hero = dp.locator('.rating-hero');
    assert.equal((await hero.locator('.rating-level-name').innerText()).trim(), STAR_NAMES[stars]);
    assert.equal((await hero.locator('.star-glyphs').innerText()).trim(), '★'.repeat(stars) + '☆'.repeat(5 - stars));
    assert.equal((await hero.locator('.rating-total-value').innerText()).trim(), total);
    await assertVisible(hero.getByText(BATCH));
    // The categories are the means of the panel's sheets.
    const panel = draw[d.name].map((n) => experts.find((e) => e.name === n).sheet);
    const awards = (panel.reduce((s, x) => s + x.awards, 0) / panel.length).toFixed(2);
    const awardsRow = dp.locator('.rating-table tbody tr').filter({ hasText: '竞赛获奖' });
    assert.equal((await awardsRow.locator('td.num').first().innerText()).trim(), awards);
    // The history has this rating as the current one.
    await assertVisible(dp.getByRole('table', { name: '历次星级评定，最新在前' }).locator('tr.row-current'));
    // "My application" and the record say it is rated, with the rubric's name of the level.
    await dp.goto('/me/application');
    await assertVisible(dp.locator('.application-card').getByText(`已完成星级评定：${STAR_NAMES[stars]}，总分 ${total}。`));
    await dp.goto(`/applications/${d.applicationId}`);
    const current = dp.locator('ol.timeline > li[aria-current="step"]');
    assert.equal((await current.locator('.timeline-label').innerText()).trim(), `评定星级：${STAR_NAMES[stars]}`);
    assert.equal(await dp.locator('ol.timeline > li.step-todo').count(), 0, 'nothing is left to come');
    await submitAndWait(dp, current.getByRole('link', { name: '查看星级评定' }));
    assert.equal(new URL(dp.url()).pathname, '/me/ratings');

    await dp.goto('/notifications');
    await assertVisible(dp.getByRole('heading', { level: 1, name: '消息通知' }));
    const rated = dp.locator('.notification').filter({ hasText: '您的星级评定结果已发布' });
    await assertVisible(rated);
    // The star level is named as the rubric names it, never as a number of stars.
    const ratedBody = await rated.locator('.notification-body').innerText();
    assert.ok(ratedBody.includes(`已发布：${STAR_NAMES[stars]}。`), ratedBody);
    assert.ok(!/\d星|0为/.test(ratedBody), ratedBody);
    await assertVisible(dp.locator('.notification').filter({ hasText: '您的申报已通过审核' }));
    assert.match(await dp.locator('.page-intro').innerText(), /您有 2 条未读消息/);
    // The notification leads to the rating; reading it marks it read.
    await submitAndWait(dp, rated.getByRole('link', { name: '查看星级评定' }));
    assert.equal(new URL(dp.url()).pathname, '/me/ratings');
    await dp.goto('/notifications');
    await submitAndWait(dp, dp.getByRole('button', { name: '全部标为已读' }));
    await assertVisible(dp.getByText('没有未读消息。'));
  });

  await env.step(t, 'a designer finds their rating and notifications from the navigation', async () => {
    const { page: dp } = await env.actor('designer-a-navigation');
    await signIn(dp, designers.a);
    await submitAndWait(dp, dp.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的星级评定' }));
    assert.equal(new URL(dp.url()).pathname, '/me/ratings');
    await submitAndWait(dp, dp.getByRole('link', { name: /^消息通知/ }));
    assert.equal(new URL(dp.url()).pathname, '/notifications');
  });

  await env.step(t, 'the library lists the rated designers for staff, and only consenting ones publicly', async () => {
    const { page: sp } = await env.actor('service-staff');
    await signIn(sp, service);
    await sp.goto('/library');
    await assertVisible(sp.getByRole('heading', { level: 1, name: '优秀工业设计师名录' }));
    await assertVisible(sp.getByText('共 2 位设计师'));
    for (const d of [designers.a, designers.c]) {
      const total = expectedTotal(draw[d.name]);
      const row = sp.locator('.library-table tbody tr').filter({ has: sp.getByRole('rowheader', { name: d.name }) });
      await assertVisible(row);
      assert.equal((await row.locator('.star-name').innerText()).trim(), STAR_NAMES[expectedStars(total)]);
      assert.equal((await row.locator('td.num').innerText()).trim(), total);
      assert.ok((await row.innerText()).includes(d.employer));
    }
    assert.ok(!(await mainText(sp)).includes(designers.b.name), 'the returned designer is not rated');
    // Filter by name.
    await sp.getByLabel('搜索').fill(designers.c.name);
    await submitAndWait(sp, sp.getByRole('button', { name: '筛选' }));
    await assertVisible(sp.getByText('共 1 位设计师'));
    await assertVisible(sp.getByRole('rowheader', { name: designers.c.name }));

    // The public directory: no sign-in, consenting designers only, no totals or employers.
    const { page: pub } = await env.actor('public');
    await pub.goto('/library');
    await assertVisible(pub.getByText('共 1 位设计师'));
    await assertVisible(pub.locator('.designer-card').filter({ hasText: designers.a.name }));
    const text = await mainText(pub);
    assert.ok(!text.includes(designers.c.name), 'a designer who did not consent is not listed publicly');
    assert.ok(!text.includes(designers.a.employer), 'no employer in the public directory');
    assert.ok(!text.includes(expectedTotal(draw[designers.a.name])), 'no total in the public directory');
  });

  await env.step(t, 'service-centre staff land on the library and find it in the navigation', async () => {
    const { page: sp } = await env.actor('service-navigation');
    await signIn(sp, service);
    assert.equal(new URL(sp.url()).pathname, '/library');
    await sp.goto('/');
    await submitAndWait(sp, sp.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '人才名录' }));
    assert.equal(new URL(sp.url()).pathname, '/library');
  });

  await env.step(t, 'a 100-character batch name wraps in the batches table; every page has its icon', async () => {
    const missing = [];
    const watch404 = (res) => { if (res.status() === 404) { missing.push(res.url()); } };
    page.on('response', watch404);
    await page.goto('/batches');
    const long = '第'.repeat(2) + 'X'.repeat(98);
    await page.getByLabel('批次名称').fill(long);
    await submitAndWait(page, page.getByRole('button', { name: '创建' }));
    await assertVisible(page.getByText('批次已创建并开放申报'));
    const fits = await page.evaluate(() => {
      const wrap = document.querySelector('.table-wrap');
      return wrap.scrollWidth <= wrap.clientWidth;
    });
    assert.ok(fits, 'the table is not widened by the name');
    const cell = page.getByRole('rowheader').filter({ hasText: long });
    const box = await cell.boundingBox();
    assert.ok(box.height > 40, `the name wraps onto several lines (${box.height}px)`);
    page.off('response', watch404);
    assert.deepEqual(missing, [], 'nothing the pages ask for is missing (the icon included)');
  });

  await env.step(t, 'no JavaScript errors on any page', async () => {
    assert.deepEqual(env.pageErrors, []);
  });
});
