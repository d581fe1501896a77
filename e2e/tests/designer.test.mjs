// The designer's journey (issue 2): register, sign in, start the application, fill every section
// of the form, attach evidence (a real PDF and a real PNG), meet the problems the form reports
// beside their fields (in Chinese, keeping what was typed), fix them, submit, and follow the
// status. Then who may see it: a district officer of the same district (read-only), not an
// officer of another district, not another designer. Last, the English interface.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startEnv, signIn, signOut, submitAndWait, statusOf, assertVisible, mainText,
  residentId, minimalPdf, minimalPng, unique,
} from '../support.mjs';

const PASSWORD = 'designer-pass-2025';
const STAFF_PASSWORD = 'staff-pass-2025!';
// Born 12 March 1988 in 渝中区; the 17th digit (3) is odd: a man.
const GOOD_ID = residentId('50010319880312123');
// The same number with a wrong check character.
const BAD_ID = GOOD_ID.slice(0, 17) + (GOOD_ID.endsWith('0') ? '1' : '0');

let env;
const designer = {
  name: '李明远',
  email: `${unique('liming')}@example.cn`,
  password: PASSWORD,
};
const officerSame = { email: 'yuzhong.officer@example.cn', password: STAFF_PASSWORD, name: '渝中区经信委王芳', role: 'district_officer', district: '500103' };
const officerOther = { email: 'dadukou.officer@example.cn', password: STAFF_PASSWORD, name: '大渡口区经信委赵刚', role: 'district_officer', district: '500104' };
const reviewer = { email: 'reviewer@example.cn', password: STAFF_PASSWORD, name: '市经信委审核员', role: 'reviewer' };
const otherDesigner = { email: `${unique('other')}@example.cn`, password: PASSWORD, name: '陈静' };
let applicationId;

before(async () => {
  // The generator of valid numbers agrees with GB 11643's published example.
  assert.equal(residentId('11010519491231002'), '11010519491231002X');
  env = await startEnv('designer');
  for (const u of [officerSame, officerOther, reviewer]) {
    await env.createUser(u);
  }
  // Setup outside the journey under test: an open batch to apply in.
  const tok = await env.token(reviewer.email, reviewer.password);
  const b = await env.api('POST', '/api/v1/batches', { token: tok, json: { name: '2025年第三批' } });
  assert.equal(b.status, 201, JSON.stringify(b.body));
});

after(async () => {
  await env?.close();
});

/** The card of one section of the form (#personal, #awards...). */
const sectionOf = (page, key) => page.locator(`[id="${key}"]`);
/** Item number n (1-based) of a list section, by its accessible group name "第 n 项". */
const itemOf = (page, key, n) => sectionOf(page, key).getByRole('group', { name: `第 ${n} 项`, exact: true });

/** The error shown beside a control: the element its aria-describedby names as "<id>-error". */
async function errorBeside(page, id) {
  const control = page.locator(`[id="${id}"]`);
  const describedBy = (await control.getAttribute('aria-describedby')) || '';
  assert.ok(describedBy.split(/\s+/).includes(`${id}-error`), `#${id} is described by its error (aria-describedby="${describedBy}")`);
  assert.equal(await control.getAttribute('aria-invalid'), 'true', `#${id} is marked invalid`);
  return (await page.locator(`[id="${id}-error"]`).innerText()).trim();
}

test('a designer registers, fills in every section, attaches evidence and submits', async (t) => {
  const { page } = await env.actor('designer');

  await env.step(t, 'registration lists every problem in the order of the form', async () => {
    await page.goto('/register');
    await page.getByLabel('电子邮箱').fill('not-an-email');
    await page.getByLabel(/^密码/).fill('short');
    await submitAndWait(page, page.getByRole('button', { name: '注册' }));
    const summary = (await page.locator('.error-summary li').allInnerTexts()).map((x) => x.trim());
    assert.equal(summary.length, 4, summary.join(' | '));
    ['姓名', '电子邮箱', '密码', '再次输入密码'].forEach((label, i) => assert.ok(summary[i].startsWith(label), summary.join(' | ')));
  });

  await env.step(t, 'registration refuses a short password, in Chinese, keeping name and email', async () => {
    await page.goto('/register');
    await page.getByLabel('姓名').fill(designer.name);
    await page.getByLabel('电子邮箱').fill(designer.email);
    await page.getByLabel(/^密码/).fill('short');
    await page.getByLabel('再次输入密码').fill('short');
    await submitAndWait(page, page.getByRole('button', { name: '注册' }));
    const message = await errorBeside(page, 'password');
    assert.match(message, /密码至少需要 10 个字符/);
    assert.equal(await page.getByLabel('姓名').inputValue(), designer.name);
    assert.equal(await page.getByLabel('电子邮箱').inputValue(), designer.email);
  });

  await env.step(t, 'registration succeeds and signs the designer in', async () => {
    // A typo in the repeated password is caught before the account exists.
    await page.getByLabel(/^密码/).fill(designer.password);
    await page.getByLabel('再次输入密码').fill(`${designer.password}x`);
    await submitAndWait(page, page.getByRole('button', { name: '注册' }));
    assert.match(await errorBeside(page, 'password_confirm'), /两次输入的密码不一致/);
    await page.getByLabel(/^密码/).fill(designer.password);
    await page.getByLabel('再次输入密码').fill(designer.password);
    await submitAndWait(page, page.getByRole('button', { name: '注册' }));
    assert.equal(new URL(page.url()).pathname, '/me/application');
    await assertVisible(page.getByText('注册成功，欢迎使用'));
    await assertVisible(page.getByText(`当前用户：${designer.name}`));
  });

  await env.step(t, 'signing out and in again through the sign-in form', async () => {
    await signOut(page);
    await assertVisible(page.getByText('您已安全退出'));
    // A wrong password is refused with the same message as an unknown email.
    await page.goto('/signin');
    await page.getByLabel('电子邮箱').fill(designer.email);
    await page.getByLabel(/^密码/).fill('not-the-password');
    await submitAndWait(page, page.locator('form[action="/signin"]').getByRole('button', { name: '登录' }));
    await assertVisible(page.getByRole('alert').filter({ hasText: '电子邮箱或密码不正确' }));
    await signIn(page, designer);
    assert.equal(new URL(page.url()).pathname, '/me/application');
  });

  await env.step(t, 'starting the application in the open batch', async () => {
    await assertVisible(page.getByText('当前开放申报批次：2025年第三批'));
    await submitAndWait(page, page.getByRole('button', { name: '开始申报' }));
    const m = /^\/applications\/([^/]+)\/edit$/.exec(new URL(page.url()).pathname);
    assert.ok(m, `on the edit page: ${page.url()}`);
    applicationId = m[1];
    await assertVisible(page.getByText('申报表已创建，请填写并保存草稿'));
    await assertVisible(page.getByRole('heading', { name: '填写申报表', level: 1 }));
    assert.equal((await page.locator('.page-meta .badge').innerText()).trim(), '草稿');
  });

  await env.step(t, 'filling the personal data (with a resident ID number that fails its checksum)', async () => {
    const p = sectionOf(page, 'personal');
    await p.getByLabel('姓名').fill(designer.name);
    await p.getByRole('radio', { name: '男', exact: true }).check();
    await p.getByLabel('公民身份号码').fill(BAD_ID);
    await p.getByLabel('手机号码').fill('13800138000');
    await p.getByLabel('电子邮箱').fill(designer.email);
    await p.getByLabel('所在区县（功能区）').selectOption({ label: '渝中区' });
    await p.getByRole('radio', { name: '重庆籍（户籍或出生地在重庆）' }).check();
    await p.getByLabel('工作单位').fill('重庆长安工业设计中心');
    await p.getByLabel('职务/岗位').fill('首席工业设计师');
    await p.getByLabel('从事工作类别').selectOption({ label: '工业设计服务' });
    await p.getByLabel('从事工业设计工作年限').fill('12');
    // Public listing yes; the clean-record declaration is left unticked for now.
    await page.getByRole('checkbox', { name: /本人同意在“千人库”公开名录中展示/ }).check();
  });

  /** Adds an item to a list section with its "添加一项" button (app.js clones the template). */
  async function addItem(key, n) {
    await sectionOf(page, key).getByRole('button', { name: /^添加一项/ }).click();
    const item = itemOf(page, key, n);
    await assertVisible(item);
    return item;
  }

  await env.step(t, 'filling every list section and the compensation', async () => {
    let it = await addItem('education', 1);
    await it.getByLabel('学历学位').selectOption('master');
    await it.getByLabel('所学专业').selectOption({ label: '工业设计' });
    await it.getByLabel('毕业院校').fill('重庆大学');
    await it.getByLabel('毕业时间').fill('2012-06');

    it = await addItem('titles', 1);
    await it.getByLabel('职称名称').fill('高级工程师（工业设计）');
    await it.getByLabel('职称级别').selectOption({ label: '副高级' });
    await it.getByLabel('评审或发证机构').fill('重庆市人力资源和社会保障局');
    await it.getByLabel('取得日期').fill('2021-09-30');

    it = await addItem('awards', 1);
    await it.getByLabel('奖项名称').fill('中国优秀工业设计奖');
    await it.getByLabel('奖项级别').selectOption('national');
    await it.getByLabel('获奖等次').selectOption('gold');
    // Typed with a unit: not a whole number; the page must say so and keep the text.
    await it.getByLabel('获奖年份').fill('2023年');
    await it.getByLabel('获奖作品名称').fill('智能康复助行器');
    await it.getByLabel('本人角色').selectOption('lead');

    it = await addItem('articles', 1);
    await it.getByLabel('文章题目').fill('面向老龄用户的交互设计方法研究');
    await it.getByLabel('期刊或出版物名称').fill('包装工程');
    await it.getByLabel('收录类别').selectOption('core');
    await it.getByLabel('发表日期').fill('2022-03-15');
    await it.getByLabel('作者排序').fill('1');

    it = await addItem('ip_rights', 1);
    await it.getByLabel(/^类别/).selectOption('design_patent');
    await it.getByLabel('专利号或登记号').fill('ZL202130123456.7');
    await it.getByLabel(/^名称/).fill('电动助行器外观');
    await it.getByLabel('授权或登记日期').fill('2022-01-18');
    await it.getByLabel('发明人（设计人）排序').fill('1');

    it = await addItem('honors', 1);
    await it.getByLabel('荣誉称号名称').fill('重庆市五一劳动奖章');
    await it.getByLabel('授予级别').selectOption('provincial');
    await it.getByLabel('授予单位').fill('重庆市总工会');
    await it.getByLabel('授予年份').fill('2020');

    const comp = sectionOf(page, 'compensation');
    await comp.getByLabel('年度税前个人收入（元）').fill('360000');
    await comp.getByLabel('收入所属年度').fill('2024');

    it = await addItem('projects', 1);
    await it.getByLabel('项目名称').fill('重庆市智能网联汽车座舱设计研究');
    await it.getByLabel('项目级别').selectOption('provincial');
    await it.getByLabel('本人角色').selectOption('leader');
    await it.getByLabel('开始日期').fill('2022-05-01');
    await it.getByLabel('项目状态').selectOption('completed');
    await it.getByLabel('项目经费（元）').fill('500000');
  });

  await env.step(t, 'saving refuses a year typed with a unit, beside its field, keeping everything typed', async () => {
    await submitAndWait(page, page.getByRole('button', { name: '保存草稿' }));
    assert.match(await page.locator('.error-summary h2').innerText(), /尚未保存：有 1 处问题/);
    const summary = await page.locator('.error-summary li').allInnerTexts();
    assert.deepEqual(summary.map((s) => s.trim()), ['竞赛获奖第 1 项·获奖年份：请用阿拉伯数字填写整数，不带单位或小数点']);
    const message = await errorBeside(page, 'awards-0--year');
    assert.match(message, /请用阿拉伯数字填写整数/);
    // Nothing typed is lost: the bad value itself and every other field.
    assert.equal(await page.locator('#awards-0--year').inputValue(), '2023年');
    assert.equal(await page.locator('#awards-0--name').inputValue(), '中国优秀工业设计奖');
    assert.equal(await page.locator('#personal-name').inputValue(), designer.name);
    assert.equal(await page.locator('#personal-id_number').inputValue(), BAD_ID);
    assert.equal(await page.locator('#personal-district_code').inputValue(), '500103');
    assert.equal(await page.locator('#education-0--institution').inputValue(), '重庆大学');
    assert.equal(await page.locator('#education-0--graduated_on').inputValue(), '2012-06');
    assert.equal(await page.locator('#projects-0--funding_cny').inputValue(), '500000');
    assert.equal(await page.locator('#compensation-annual_income_cny').inputValue(), '360000');
    assert.ok(await page.getByRole('checkbox', { name: /本人同意在“千人库”公开名录中展示/ }).isChecked());
    // The summary's link leads to the field.
    await page.locator('.error-summary a[href="#awards-0--year"]').click();
    await assertVisible(page.locator('#awards-0--year:focus'), 'the summary link focuses the field');
  });

  await env.step(t, 'fixing the year and saving the draft', async () => {
    await page.locator('#awards-0--year').fill('2023');
    await submitAndWait(page, page.getByRole('button', { name: '保存草稿' }));
    await assertVisible(page.getByText('草稿已保存'));
    assert.equal(await page.locator('.error-summary').count(), 0);
    assert.equal(await page.locator('#awards-0--year').inputValue(), '2023');
    // Saved items now take evidence.
    for (const key of ['education', 'titles', 'awards', 'articles', 'ip_rights', 'honors', 'projects']) {
      await assertVisible(itemOf(page, key, 1).getByLabel('选择证明材料文件'), `${key} takes files`);
    }
    await assertVisible(sectionOf(page, 'compensation').getByLabel('选择证明材料文件'));
  });

  await env.step(t, 'leaving the form with unsaved changes asks first; unchanged or saved, it does not', async () => {
    const asked = [];
    const record = (d) => { if (d.type() === 'beforeunload') { asked.push(d.type()); } };
    page.on('dialog', record);
    try {
      const nav = page.getByRole('navigation', { name: '主导航' });
      const position = () => sectionOf(page, 'personal').getByLabel('职务/岗位');
      // Nothing changed: leaving asks nothing.
      await submitAndWait(page, nav.getByRole('link', { name: '我的申报' }));
      assert.equal(asked.length, 0, 'no question without a change');
      // A change typed, then a link followed: the browser asks (the harness answers "leave").
      await page.goto(`/applications/${applicationId}/edit`);
      await position().click();
      await position().fill('首席工业设计师（未保存）');
      await submitAndWait(page, nav.getByRole('link', { name: '我的申报' }));
      assert.equal(asked.length, 1, 'asked before leaving with a change');
      // What was left was not saved; saving a change does not ask.
      await page.goto(`/applications/${applicationId}/edit`);
      assert.equal(await position().inputValue(), '首席工业设计师');
      await position().click();
      await position().fill('设计总监');
      await submitAndWait(page, page.getByRole('button', { name: '保存草稿' }));
      await assertVisible(page.getByText('草稿已保存'));
      assert.equal(asked.length, 1, 'saving is not leaving');
    } finally {
      page.off('dialog', record);
    }
  });

  await env.step(t, 'uploading a PDF or a PNG as evidence for every item', async () => {
    const pdf = minimalPdf('Certificate');
    const png = minimalPng(16, 12);
    const uploads = [
      [itemOf(page, 'education', 1), 'degree-certificate.pdf', 'application/pdf', pdf],
      [itemOf(page, 'titles', 1), 'title-certificate.png', 'image/png', png],
      [itemOf(page, 'awards', 1), '获奖证书.pdf', 'application/pdf', pdf],
      [itemOf(page, 'articles', 1), 'article-cover.png', 'image/png', png],
      [itemOf(page, 'ip_rights', 1), 'patent.pdf', 'application/pdf', pdf],
      [itemOf(page, 'honors', 1), 'honour.png', 'image/png', png],
      [sectionOf(page, 'compensation'), 'tax-record.pdf', 'application/pdf', pdf],
      [itemOf(page, 'projects', 1), 'project-acceptance.pdf', 'application/pdf', pdf],
    ];
    for (const [scope, name, mimeType, buffer] of uploads) {
      await scope.getByLabel('选择证明材料文件').setInputFiles({ name, mimeType, buffer });
      const row = scope.locator('[data-file-row]').filter({ hasText: name });
      await assertVisible(row, `${name} listed`);
      await assertVisible(row.getByText('上传完成'), `${name} uploaded`);
      assert.equal(await scope.locator('.file-failed').count(), 0, `no failed upload for ${name}`);
    }
    // Not a PDF, JPEG or PNG by content (whatever its name says): refused, in Chinese.
    const awards = itemOf(page, 'awards', 1);
    await awards.getByLabel('选择证明材料文件').setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('just text, not a PDF') });
    await assertVisible(awards.locator('.file-failed').filter({ hasText: /仅支持|文件类型不支持/ }), 'a fake PDF is refused');
    // After a reload the files are still there, as links.
    await page.reload();
    for (const [scope, name] of uploads) {
      await assertVisible(scope.getByRole('link', { name: new RegExp(name.replace('.', '\\.')) }), `${name} kept`);
    }
    assert.equal(await awards.getByRole('link', { name: /fake\.pdf/ }).count(), 0);
  });

  await env.step(t, 'tabbing through the whole form, no focused control is hidden under the save bar', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('#main, main').first().focus().catch(() => {});
    let focused = 0;
    const covered = [];
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const r = await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
        const bar = document.querySelector('.actions-sticky');
        const el = document.activeElement;
        if (!bar || !el || el === document.body) { done({ end: true }); return; }
        if (bar.contains(el)) { done({ bar: true }); return; }
        const b = bar.getBoundingClientRect();
        const e = el.getBoundingClientRect();
        done({ id: el.id || el.name || el.tagName, overlap: Math.min(e.bottom, b.bottom) - Math.max(e.top, b.top) });
      }))));
      if (r.end) { break; }
      if (r.bar) { continue; }
      focused += 1;
      if (r.overlap > 0) { covered.push(`${r.id} (${Math.round(r.overlap)} px)`); }
    }
    assert.ok(focused > 50, `tabbed through the form: ${focused} controls`);
    assert.deepEqual(covered, [], 'focused controls under the save bar');
  });

  await env.step(t, 'submitting lists every problem beside its field, in Chinese, keeping the input', async () => {
    // The declaration is still unticked and the ID number fails its checksum; a last change
    // typed just before submitting must survive too.
    await sectionOf(page, 'personal').getByLabel('职务/岗位').fill('首席工业设计师、设计总监');
    // A value that cannot even be read is listed together with the rest, not in a later round.
    const years = await page.locator('#personal-design_years').inputValue();
    await page.locator('#personal-design_years').fill('十年');
    await submitAndWait(page, page.getByRole('button', { name: '提交申报' }));
    assert.equal(new URL(page.url()).pathname, `/applications/${applicationId}/edit`);
    assert.match(await page.locator('.error-summary h2').innerText(), /尚未保存：有 3 处问题/);
    const summary = (await page.locator('.error-summary li').allInnerTexts()).map((s) => s.trim());
    assert.ok(summary.some((s) => s.startsWith('从事工业设计工作年限：')), summary.join(' | '));
    assert.equal(await page.locator('#personal-design_years').inputValue(), '十年');
    await page.locator('#personal-design_years').fill(years);
    assert.ok(summary.includes('公民身份号码：公民身份号码无效（未通过 GB 11643 校验），请核对'), summary.join(' | '));
    assert.ok(summary.includes('遵纪守法及信用承诺：请阅读并勾选本项承诺'), summary.join(' | '));
    assert.match(await errorBeside(page, 'personal-id_number'), /公民身份号码无效（未通过 GB 11643 校验）/);
    assert.match(await errorBeside(page, 'personal-clean_record_declared'), /请阅读并勾选本项承诺/);
    // Kept: what was typed, the last change, and the evidence.
    assert.equal(await page.locator('#personal-id_number').inputValue(), BAD_ID);
    assert.equal(await page.locator('#personal-position').inputValue(), '首席工业设计师、设计总监');
    assert.equal(await page.locator('#personal-phone').inputValue(), '13800138000');
    assert.equal(await page.locator('#titles-0--name').inputValue(), '高级工程师（工业设计）');
    await assertVisible(itemOf(page, 'awards', 1).getByRole('link', { name: /获奖证书\.pdf/ }));
    // Still a draft.
    assert.equal((await page.locator('.page-meta .badge').innerText()).trim(), '草稿');
  });

  await env.step(t, 'fixing the problems and submitting', async () => {
    await page.locator('.error-summary a[href="#personal-id_number"]').click();
    await assertVisible(page.locator('#personal-id_number:focus'));
    await page.locator('#personal-id_number').fill(GOOD_ID);
    await page.getByRole('checkbox', { name: /本人承诺：遵守宪法和法律/ }).check();
    // Saved and checked first; with nothing left to fix, a page of its own asks to confirm.
    const asked = [];
    const record = (d) => asked.push(d.message());
    page.on('dialog', record);
    await submitAndWait(page, page.getByRole('button', { name: '提交申报' }));
    page.off('dialog', record);
    assert.deepEqual(asked, [], 'no dialog: the confirmation is a page');
    assert.equal(new URL(page.url()).pathname, `/applications/${applicationId}/submit`);
    await assertVisible(page.getByRole('heading', { level: 1, name: '确认提交申报' }));
    await assertVisible(page.getByText('申报表已保存，并已通过提交前的全部检查。'));
    await assertVisible(page.locator('dl.details').getByText(designer.name));
    // Going back to the form changes nothing; the button leads here again.
    await submitAndWait(page, page.getByRole('link', { name: '返回修改' }));
    assert.equal(new URL(page.url()).pathname, `/applications/${applicationId}/edit`);
    assert.equal((await page.locator('.page-meta .badge').innerText()).trim(), '草稿');
    await submitAndWait(page, page.getByRole('button', { name: '提交申报' }));
    await submitAndWait(page, page.getByRole('button', { name: '确认提交' }));
    assert.equal(new URL(page.url()).pathname, `/applications/${applicationId}`);
    await assertVisible(page.getByText('申报已提交，请等待审核'));
  });

  await env.step(t, 'the status page shows the submission in its timeline', async () => {
    assert.equal((await page.locator('.page-meta .badge').innerText()).trim(), '已提交');
    const timeline = page.getByRole('region', { name: '申报进度' });
    const steps = timeline.locator('ol.timeline > li');
    const labels = (await steps.locator('.timeline-label').allInnerTexts()).map((s) => s.trim());
    assert.deepEqual(labels, ['填写申报表', '提交申报', '材料审核']);
    const submitted = steps.filter({ hasText: '提交申报' });
    assert.match(await submitted.getAttribute('class'), /step-done/);
    assert.match(await submitted.locator('time').innerText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    assert.equal(await steps.filter({ hasText: '材料审核' }).getAttribute('aria-current'), 'step');
    // The record shows what was entered, the owner sees the full ID number, no edit link.
    const text = await mainText(page);
    for (const s of [designer.name, GOOD_ID, '渝中区', '中国优秀工业设计奖', '国家级', '金奖/一等奖', '电动助行器外观', '360000', '重庆市智能网联汽车座舱设计研究']) {
      assert.ok(text.includes(s), `the record shows ${s}`);
    }
    assert.equal(await page.getByRole('link', { name: /继续填写|修改申报/ }).count(), 0);
    // The edit page is closed now: it sends the owner to the record, saying why.
    await page.goto(`/applications/${applicationId}/edit`);
    assert.equal(new URL(page.url()).pathname, `/applications/${applicationId}`);
    await assertVisible(page.locator('.flash').filter({ hasText: '申报已提交，审核期间不能修改' }));
    // The record prints: the button calls the browser's print, and is not printed itself.
    const print = page.getByRole('button', { name: '打印申报表' });
    await assertVisible(print);
    await page.evaluate(() => { window.print = () => { window.printed = true; }; });
    await print.click();
    assert.equal(await page.evaluate(() => window.printed), true, 'the print button prints');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await print.isVisible(), false, 'the print button is not printed');
    await page.emulateMedia({ media: 'screen' });
    // "My application" lists it as submitted.
    await page.goto('/me/application');
    const card = page.locator('.application-card');
    assert.equal((await card.locator('.badge').innerText()).trim(), '已提交');
    await assertVisible(card.getByText('申报已提交，等待市经济信息委审核材料。'));
  });

  await env.step(t, 'switching the interface to English and back', async () => {
    await page.goto(`/applications/${applicationId}`);
    await submitAndWait(page, page.getByRole('link', { name: 'English' }));
    assert.equal(new URL(page.url()).pathname, `/applications/${applicationId}`, 'the switch comes back to the same page');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await assertVisible(page.getByRole('heading', { level: 1, name: /Application/ }));
    await assertVisible(page.getByRole('heading', { name: 'Progress' }));
    assert.equal((await page.locator('.page-meta .badge').innerText()).trim(), 'Submitted');
    await assertVisible(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'My application' }));
    await assertVisible(page.getByText('Resident identity number', { exact: true }));
    await assertVisible(page.getByRole('heading', { name: 'Competition awards' }));
    // The choice is remembered on other pages.
    await page.goto('/me/application');
    await assertVisible(page.getByRole('heading', { level: 1, name: 'My application' }));
    // And back to Chinese.
    await submitAndWait(page, page.getByRole('link', { name: '中文' }));
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await assertVisible(page.getByRole('heading', { level: 1, name: '我的申报' }));
  });
});

test('who may see the submitted application', async (t) => {
  await env.step(t, 'a district officer of the same district sees it on /district and opens it read-only', async () => {
    assert.ok(applicationId, 'the designer journey created an application');
    const { page } = await env.actor('officer-yuzhong');
    await signIn(page, officerSame);
    assert.equal(new URL(page.url()).pathname, '/district');
    await assertVisible(page.getByRole('heading', { level: 1, name: '本区县申报' }));
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: designer.name }) });
    await assertVisible(row);
    assert.equal((await row.locator('.badge').innerText()).trim(), '已提交');
    await assertVisible(page.locator('.stat-submitted .stat-value').filter({ hasText: /^1$/ }));
    await submitAndWait(page, row.getByRole('link', { name: designer.name }));
    assert.equal(new URL(page.url()).pathname, `/applications/${applicationId}`);
    await assertVisible(page.getByRole('heading', { level: 1, name: /申报表/ }));
    // Read-only: no form controls, no edit link; identity numbers masked.
    assert.equal(await page.locator('main input:not([type=hidden]), main select, main textarea').count(), 0);
    assert.equal(await page.getByRole('link', { name: /继续填写|修改申报/ }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /提交申报|保存草稿/ }).count(), 0);
    await assertVisible(page.getByText('公民身份号码和手机号码已部分隐藏。'));
    const text = await mainText(page);
    assert.ok(!text.includes(GOOD_ID), 'the full ID number is not shown to a district officer');
    assert.ok(!text.includes('13800138000'), 'the full mobile number is not shown to a district officer');
    assert.ok(text.includes(GOOD_ID.slice(-4)), 'the masked ID number keeps its last digits');
    // Evidence is for reviewers and experts only.
    await assertVisible(page.getByText('证明材料仅供审核人员、评审专家查阅。'));
    assert.equal(await page.locator('main a[href^="/api/v1/attachments/"]').count(), 0);
    // The way back to the district's list.
    await submitAndWait(page, page.locator('main').getByRole('link', { name: '返回本区县申报' }));
    assert.equal(new URL(page.url()).pathname, '/district');
    // Still read-only by URL.
    await page.goto(`/applications/${applicationId}/edit`);
    assert.notEqual(new URL(page.url()).pathname, `/applications/${applicationId}/edit`);
  });

  await env.step(t, 'an officer of another district does not see it, and its URL answers 404', async () => {
    const { page } = await env.actor('officer-dadukou');
    await signIn(page, officerOther);
    assert.equal(new URL(page.url()).pathname, '/district');
    assert.ok(!(await mainText(page)).includes(designer.name), 'not listed for 大渡口区');
    await assertVisible(page.getByText('大渡口区暂无设计师申报。'));
    assert.equal(await statusOf(page, `/applications/${applicationId}`), 404);
    await assertVisible(page.getByText('未找到该页面或记录，或您无权查看'));
    assert.ok(!(await mainText(page)).includes(designer.name));
    assert.equal(await statusOf(page, `/applications/${applicationId}/edit`), 404);
  });

  await env.step(t, 'another designer gets 404 for its URL', async () => {
    const r = await env.api('POST', '/api/v1/auth/register', { json: otherDesigner });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const { page } = await env.actor('other-designer');
    await signIn(page, otherDesigner);
    assert.equal(await statusOf(page, `/applications/${applicationId}`), 404);
    await assertVisible(page.getByText('未找到该页面或记录，或您无权查看'));
    assert.ok(!(await mainText(page)).includes(designer.name));
    assert.equal(await statusOf(page, `/applications/${applicationId}/edit`), 404);
    // Their own list does not show it either.
    await page.goto('/me/application');
    assert.equal(await page.locator('.application-card').count(), 0);
  });

  await env.step(t, 'no JavaScript errors on any page', async () => {
    assert.deepEqual(env.pageErrors, []);
  });
});
