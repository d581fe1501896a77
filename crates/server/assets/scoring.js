/* TalentLib: the expert's score sheet (/expert/applications/{id}). Vanilla JS, no inline code
 * (CSP). The page works without it; this only adds conveniences:
 *   - the live total: the sum of the category inputs, shown in the form's
 *     output[data-score-total] (an aria-live region) as they are typed;
 *   - a warning before leaving the page with scores typed but not saved;
 *   - a focused field always wholly in view in the sheet's scrolling region.
 * Texts come from data-* attributes rendered from the locale files:
 *   data-empty  shown when nothing can be summed yet
 *   data-over   appended when the total is above data-max
 *   data-range  appended when a category's score is outside its [min, max] (it cannot be saved)
 */
(function () {
  'use strict';

  var form = document.querySelector('form[data-score-form]');
  if (!form) { return; }
  var output = form.querySelector('[data-score-total]');
  // Below the total line, so "/ max" stays beside the total.
  var warningBox = form.querySelector('[data-score-warning]');
  var inputs = form.querySelectorAll('input[name^="scores."]');
  if (!output || !inputs.length) { return; }

  /** Full-width digits and points (typed with a Chinese input method) read as ASCII. */
  function normalise(text) {
    return String(text || '').trim().replace(/[\uFF10-\uFF19]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48);
    }).replace(/[\uFF0E\u3002]/g, '.');
  }

  /** A typed score in hundredths, 0 for an empty box, null when it is not a number. */
  function hundredths(input) {
    var text = normalise(input.value);
    if (text === '') {
      // A number input holding text the browser could not read reports an empty value.
      return input.validity && input.validity.badInput ? null : 0;
    }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) { return null; }
    var x = parseFloat(text);
    return isFinite(x) ? Math.round(x * 100) : null;
  }

  /** Hundredths as a number with 2 decimals, without floating-point noise. */
  function twoDp(h) {
    var sign = h < 0 ? '-' : '';
    var a = Math.abs(h);
    var cents = a % 100;
    return sign + Math.floor(a / 100) + '.' + (cents < 10 ? '0' : '') + cents;
  }

  var max = Math.round(parseFloat(output.getAttribute('data-max')) * 100);
  var last = output.textContent;

  /** Whether a typed score lies outside the input's own bounds (0 to the category's maximum). */
  function outOfRange(input, h) {
    var low = Math.round(parseFloat(input.min) * 100);
    var high = Math.round(parseFloat(input.max) * 100);
    return (isFinite(low) && h < low) || (isFinite(high) && h > high);
  }

  function update() {
    var sum = 0;
    var unreadable = false;
    var any = false;
    var outside = false;
    for (var i = 0; i < inputs.length; i++) {
      var h = hundredths(inputs[i]);
      if (h === null) { unreadable = true; continue; }
      if (normalise(inputs[i].value) !== '') { any = true; }
      if (outOfRange(inputs[i], h)) { outside = true; }
      sum += h;
    }
    var text;
    var over = '';
    if (!any && !unreadable) {
      text = twoDp(0);
    } else if (unreadable && !any) {
      text = output.getAttribute('data-empty') || '';
    } else {
      text = twoDp(sum);
      // A score outside its category's range is what to put right first: the sum means nothing.
      if (outside) {
        over = output.getAttribute('data-range') || '';
      } else if (isFinite(max) && sum > max) {
        over = output.getAttribute('data-over') || '';
      }
    }
    // Only a change is written, so the live regions announce nothing needlessly.
    if (text + over !== last) {
      output.textContent = text;
      if (warningBox) {
        warningBox.textContent = over;
      } else if (over) {
        output.textContent = text + ' ' + over;
      }
      last = text + over;
    }
  }

  var dirty = false;
  form.addEventListener('input', function (event) {
    if (event.target && event.target.name && (event.target.name.indexOf('scores.') === 0 || event.target.name === 'comment')) {
      dirty = true;
    }
    update();
  });
  form.addEventListener('submit', function () { dirty = false; });
  window.addEventListener('beforeunload', function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = '';
  });

  // The sheet's fields scroll in their own region when the window is too low for all of them.
  // Keyboard focus may leave a field half hidden at the region's edge (the browser scrolls the
  // page, not the region): bring the whole field into view.
  var region = form.querySelector('.sc-body');
  if (region) {
    region.addEventListener('focusin', function (event) {
      var box = event.target.getBoundingClientRect();
      var area = region.getBoundingClientRect();
      if (box.top < area.top || box.bottom > area.bottom) {
        event.target.scrollIntoView({ block: 'nearest' });
      }
    });
  }

  update();
}());
