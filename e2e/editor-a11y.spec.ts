import { test, expect } from './fixtures';

/** A simplified accessible-name computation: enough to catch a control nobody can name. */
function unnamedControls(): string[] {
  const nameOf = (el: Element): string => {
    const labelled = el.getAttribute('aria-labelledby');
    if (labelled) return labelled.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
    const aria = el.getAttribute('aria-label');
    if (aria) return aria.trim();
    if (el.id) {
      const label = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      if (label?.textContent?.trim()) return label.textContent.trim();
    }
    const wrapping = el.closest('label');
    if (wrapping?.textContent?.trim()) return wrapping.textContent.trim();
    if (el.tagName === 'BUTTON' || el.getAttribute('role') === 'tab' || el.getAttribute('role') === 'option') return el.textContent?.trim() ?? '';
    return el.getAttribute('title')?.trim() ?? '';
  };
  const controls = document.querySelectorAll('button, input, select, textarea, [role="tab"], [role="option"], [role="menuitem"], .react-flow__handle');
  return [...controls].filter((el) => (el as HTMLElement).offsetParent !== null && nameOf(el) === '').map((el) => el.outerHTML.slice(0, 120));
}

test('every visible control has an accessible name; the theme follows the system', async ({ page, server }) => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Templates' }).click();
  expect(await page.evaluate(unnamedControls)).toEqual([]);
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template ResNet-style CNN' }).click();
  await expect(page.getByTestId('node-Add')).toHaveCount(1);
  expect(await page.evaluate(unnamedControls)).toEqual([]);
  await page.getByTestId('node-Conv2D').first().click();
  expect(await page.evaluate(unnamedControls)).toEqual([]);
  for (const tab of ['Evaluation', 'Runs', 'Try it']) {
    await page.getByRole('tab', { name: tab }).click();
    expect(await page.evaluate(unnamedControls)).toEqual([]);
  }
  await page.getByRole('button', { name: 'More file actions' }).click();
  expect(await page.evaluate(unnamedControls)).toEqual([]);
  await page.keyboard.press('Escape');

  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await background()).toBe('rgb(243, 244, 246)');
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await background()).toBe('rgb(24, 26, 31)');
});
