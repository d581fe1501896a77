/* TalentLib progressive enhancement. Vanilla JS, no libraries, no inline handlers (CSP).
 * Every page works without this file; it only adds conveniences. All user-visible text comes
 * from data-* attributes rendered by the server from the locale files.
 *
 * Hooks (all by attribute):
 *   data-confirm="message"        on a, button, input[type=submit] or form: confirm() first.
 *   data-required-when="f=v|w"    on a field: while field f has value v (or w) and this one is blank, no
 *                                 confirmation is asked (the server's message names what is missing).
 *   data-confirm-fields="a b"     with data-confirm on a submit button: the message names the
 *                                 chosen value of each field ({a}, {b}: the checked radio's or the
 *                                 selected option's label); when one has no value nothing is
 *                                 asked, and the server's validation answers instead.
 *   [data-section="awards"]       a repeatable section containing:
 *     <template data-item-template>  one item's HTML; "__INDEX__" in any attribute is replaced
 *                                    by the next free index (existing items are never renumbered)
 *                                    and "__NUMBER__" in text by the item's position (1-based).
 *     [data-items]                   the container new items are appended to (children .item)
 *     [data-add-item]                button that adds an item
 *     [data-remove-item]             button inside an .item that removes it (its data-confirm
 *                                    is the question asked first)
 *     [data-empty]                   empty-state element, hidden while there are items
 *     data-next-index="N" (optional) on the section: first index to use for new items
 *   input[type=file][data-upload-url]  uploads each chosen file (see uploadOne below)
 *   [data-delete-url]             button: confirm, DELETE, remove the row (li/tr/[data-file-row])
 *   .error-summary (tabindex=-1)  focused on load; its links focus the field they point at
 *   [data-autosubmit]             select/input submits its form on change (by keyboard: on Enter
 *                                 or leaving it); focus returns to it after the reload
 *   button[data-print][hidden]    shown, and prints the page when pressed
 *   form[data-warn-unsaved]       asks before the page is left with changes not saved (not when
 *                                 the form itself is submitted); data-unsaved="true" when the
 *                                 page already shows typed values the server did not save
 */
(function () {
  'use strict';

  var DEFAULT_MAX_BYTES = 20 * 1024 * 1024; // 20 MiB, as the server enforces
  var ATTACHMENT_URL = '/api/v1/attachments/{id}';

  document.documentElement.classList.add('js');

  // ---------------------------------------------------------------- helpers

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  /** Replaces {name} placeholders; unknown placeholders are left as they are. */
  function format(text, params) {
    return String(text || '').replace(/\{(\w+)\}/g, function (all, key) {
      return params && Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : all;
    });
  }

  /** The message in data-msg-<name> of el, with placeholders filled in. */
  function msg(el, name, params) {
    return format(el.getAttribute('data-msg-' + name) || '', params);
  }

  function humanSize(bytes) {
    if (typeof bytes !== 'number' || !isFinite(bytes)) { return ''; }
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1) + ' MB'; }
    if (bytes >= 1024) { return Math.round(bytes / 1024) + ' KB'; }
    return bytes + ' B';
  }

  function parseJson(text) {
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  /** The API's error message ({"error": {"message": ...}}), or ''. */
  function apiErrorMessage(body) {
    return body && body.error && typeof body.error.message === 'string' ? body.error.message : '';
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function isFocusable(node) {
    if (!node || node.disabled) { return false; }
    if (node.hasAttribute('tabindex')) { return true; }
    return /^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(node.tagName) && !(node.tagName === 'A' && !node.hasAttribute('href'));
  }

  function firstFocusable(root) {
    if (isFocusable(root)) { return root; }
    return root.querySelector('input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]');
  }

  function submitForm(form) {
    if (typeof form.requestSubmit === 'function') { form.requestSubmit(); } else { form.submit(); }
  }

  // ---------------------------------------------------------------- confirmations

  /** The label of a field's chosen value in a form: '' when nothing is chosen. */
  function chosenLabel(form, name) {
    var field = form.elements.namedItem(name);
    if (!field) { return ''; }
    if (field.tagName === 'SELECT') {
      var option = field.options[field.selectedIndex];
      return option && option.value !== '' ? option.textContent.trim() : '';
    }
    var list = typeof field.length === 'number' && !field.tagName ? field : [field];
    for (var i = 0; i < list.length; i++) {
      var input = list[i];
      if ((input.type === 'radio' || input.type === 'checkbox') ? input.checked : input.value !== '') {
        var label = input.labels && input.labels.length ? input.labels[0].textContent.trim() : '';
        return label || input.value;
      }
    }
    return '';
  }

  /** A field marked data-required-when="name=value" is blank while `name` has that value. */
  function conditionallyRequiredBlank(form) {
    var fields = form.querySelectorAll('[data-required-when]');
    for (var i = 0; i < fields.length; i++) {
      var rule = fields[i].getAttribute('data-required-when').split('=');
      var other = form.elements.namedItem(rule[0]);
      var values = (rule[1] || '').split('|');
      if (other && values.indexOf(other.value) >= 0 && fields[i].value.trim() === '') { return true; }
    }
    return false;
  }

  /** The question to ask for a button: null when there is nothing to confirm yet. */
  function confirmation(target) {
    var text = target.getAttribute('data-confirm');
    var names = (target.getAttribute('data-confirm-fields') || '').split(/\s+/).filter(Boolean);
    // Something required is missing: the server's answer names it; a question would only delay it.
    if (target.form && conditionallyRequiredBlank(target.form)) { return null; }
    if (!names.length || !target.form) { return text; }
    var params = {};
    for (var i = 0; i < names.length; i++) {
      var label = chosenLabel(target.form, names[i]);
      if (!label) { return null; }
      params[names[i]] = label;
    }
    return format(text, params);
  }

  // Capture phase, so a cancelled confirmation stops every other handler.
  document.addEventListener('click', function (event) {
    var target = event.target.closest('a[data-confirm], button[data-confirm], input[data-confirm]');
    if (!target) { return; }
    // Remove-item and delete-file buttons ask in their own handlers.
    if (target.hasAttribute('data-remove-item') || target.hasAttribute('data-delete-url')) { return; }
    var question = confirmation(target);
    if (question === null) { return; }
    if (!window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute('data-confirm')) { return; }
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute('data-confirm')) { return; } // already asked on click
    if (!window.confirm(form.getAttribute('data-confirm'))) {
      event.preventDefault();
    }
  });

  // ---------------------------------------------------------------- repeatable items

  function itemsContainer(section) {
    return section.querySelector('[data-items]') || section;
  }

  function itemsOf(section) {
    var container = itemsContainer(section);
    return Array.prototype.filter.call(container.children, function (child) {
      return child.classList.contains('item');
    });
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /** One more than the highest index in use (names like "awards[3].name"), never reusing one. */
  function nextIndex(section) {
    var key = section.getAttribute('data-section');
    var pattern = new RegExp('^' + escapeRegExp(key) + '\\[(\\d+)\\]');
    var next = parseInt(section.getAttribute('data-next-index'), 10);
    if (isNaN(next)) { next = 0; }
    var named = itemsContainer(section).querySelectorAll('[name]');
    for (var i = 0; i < named.length; i++) {
      var m = pattern.exec(named[i].getAttribute('name'));
      if (m) { next = Math.max(next, parseInt(m[1], 10) + 1); }
    }
    section.setAttribute('data-next-index', String(next + 1));
    return next;
  }

  function updateEmpty(section) {
    var empty = section.querySelector('[data-empty]');
    if (empty) { empty.hidden = itemsOf(section).length > 0; }
  }

  function fillPlaceholders(root, index, number) {
    var nodes = root.querySelectorAll('*');
    for (var i = 0; i < nodes.length; i++) {
      var attrs = nodes[i].attributes;
      for (var j = 0; j < attrs.length; j++) {
        if (attrs[j].value.indexOf('__INDEX__') !== -1) {
          attrs[j].value = attrs[j].value.split('__INDEX__').join(String(index));
        }
      }
    }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null);
    var text;
    while ((text = walker.nextNode())) {
      if (text.nodeValue.indexOf('__NUMBER__') !== -1) {
        text.nodeValue = text.nodeValue.split('__NUMBER__').join(String(number));
      }
      if (text.nodeValue.indexOf('__INDEX__') !== -1) {
        text.nodeValue = text.nodeValue.split('__INDEX__').join(String(index));
      }
    }
  }

  function addItem(button) {
    var section = button.closest('[data-section]');
    if (!section) { return; }
    var template = section.querySelector('template[data-item-template]');
    if (!template || !template.content) { return; }
    var fragment = template.content.cloneNode(true);
    fillPlaceholders(fragment, nextIndex(section), itemsOf(section).length + 1);
    var container = itemsContainer(section);
    var added = Array.prototype.filter.call(fragment.children, function (c) { return c.nodeType === 1; });
    container.appendChild(fragment);
    updateEmpty(section);
    var first = added.length ? firstFocusable(added[0]) : null;
    if (first) { first.focus(); }
  }

  function removeItem(button) {
    var item = button.closest('.item');
    if (!item) { return; }
    var question = button.getAttribute('data-confirm');
    if (question && !window.confirm(question)) { return; }
    var section = item.closest('[data-section]');
    item.parentNode.removeChild(item);
    if (section) {
      updateEmpty(section);
      var add = section.querySelector('[data-add-item]');
      var heading = section.querySelector('h2, h3, legend');
      if (add) { add.focus(); } else if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus(); }
    }
  }

  // Add/remove buttons may be submit buttons (name="add_item" value="awards") so that the page
  // still works without JS; with JS we handle them here and stop the submission.
  document.addEventListener('click', function (event) {
    var add = event.target.closest('[data-add-item]');
    if (add) {
      event.preventDefault();
      addItem(add);
      return;
    }
    var remove = event.target.closest('[data-remove-item]');
    if (remove) {
      event.preventDefault();
      removeItem(remove);
    }
  });

  // ---------------------------------------------------------------- uploads

  function filesList(input) {
    var scope = input.closest('[data-evidence]') || input.closest('.item') || input.parentNode;
    var list = scope.querySelector('.files');
    if (!list) {
      list = el('ul', 'files');
      list.setAttribute('aria-live', 'polite');
      input.parentNode.insertBefore(list, input);
    }
    return list;
  }

  function setFilesEmpty(list) {
    var empty = list.querySelector('[data-files-empty]');
    if (!empty) { return; }
    var rows = list.querySelectorAll('[data-file-row]');
    empty.hidden = rows.length > 0;
  }

  function showRowError(row, message) {
    row.className = 'file file-failed';
    var progress = row.querySelector('progress');
    if (progress) { progress.parentNode.removeChild(progress); }
    var status = row.querySelector('.file-status');
    if (status) { status.parentNode.removeChild(status); }
    var error = el('span', 'field-error', message);
    error.setAttribute('role', 'alert');
    row.appendChild(error);
  }

  function fileUrl(input, id) {
    var template = input.getAttribute('data-file-url-template') || ATTACHMENT_URL;
    return template.replace('{id}', encodeURIComponent(id));
  }

  function showDone(row, input, data, file) {
    row.className = 'file';
    row.setAttribute('data-file-row', '');
    row.textContent = '';
    var name = data.filename || file.name;
    var link = el('a', null, name);
    link.href = fileUrl(input, data.id);
    link.target = '_blank';
    link.rel = 'noopener';
    var newTab = msg(input, 'new-tab');
    if (newTab) { link.appendChild(el('span', 'visually-hidden', newTab)); }
    row.appendChild(link);
    var size = typeof data.size === 'number' ? data.size : file.size;
    row.appendChild(document.createTextNode(' '));
    row.appendChild(el('span', 'file-size', '(' + humanSize(size) + ')'));
    var done = msg(input, 'done', { name: name });
    if (done) {
      row.appendChild(document.createTextNode(' '));
      row.appendChild(el('span', 'file-status', done));
    }
    var deleteTemplate = input.getAttribute('data-delete-url-template');
    var deleteLabel = msg(input, 'delete');
    if (deleteTemplate && deleteLabel) {
      var button = el('button', 'btn btn-link btn-danger-link', deleteLabel);
      button.type = 'button';
      button.setAttribute('data-delete-url', deleteTemplate.replace('{id}', encodeURIComponent(data.id)));
      var question = msg(input, 'confirm-delete', { name: name });
      if (question) { button.setAttribute('data-confirm', question); }
      var failed = msg(input, 'delete-failed');
      if (failed) { button.setAttribute('data-msg-failed', failed); }
      button.appendChild(el('span', 'visually-hidden', ' ' + name));
      row.appendChild(document.createTextNode(' '));
      row.appendChild(button);
    }
  }

  /**
   * Uploads one file: multipart with part "item_id" (first, when the input has data-item-id) and
   * part "file", header X-CSRF-Token. Shows a <progress> while sending, then the file as a link
   * to /api/v1/attachments/{id}. Messages: data-msg-progress, -done, -failed, -too-large,
   * -unsupported, -delete, -delete-failed, -confirm-delete, -new-tab (each may use {name}).
   */
  function uploadOne(input, list, file) {
    var url = input.getAttribute('data-upload-url');
    var maxBytes = parseInt(input.getAttribute('data-max-bytes'), 10) || DEFAULT_MAX_BYTES;
    var row = el('li', 'file file-uploading');
    row.appendChild(el('span', 'file-name', file.name));
    row.appendChild(document.createTextNode(' '));
    list.appendChild(row);

    if (file.size > maxBytes) {
      showRowError(row, msg(input, 'too-large', { name: file.name, max: humanSize(maxBytes) }));
      return;
    }

    var label = msg(input, 'progress', { name: file.name });
    var progress = el('progress', 'progress');
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute('aria-label', label ? label + ' ' + file.name : file.name);
    row.appendChild(progress);
    if (label) {
      row.appendChild(document.createTextNode(' '));
      row.appendChild(el('span', 'file-status', label));
    }

    var form = new FormData();
    var itemId = input.getAttribute('data-item-id');
    if (itemId) { form.append('item_id', itemId); }
    form.append('file', file, file.name);

    var xhr = new XMLHttpRequest();
    xhr.open('POST', url, true);
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', function (event) {
      if (event.lengthComputable && event.total > 0) {
        progress.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    xhr.addEventListener('load', function () {
      var body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300 && body && body.id) {
        progress.value = 100;
        showDone(row, input, body, file);
        setFilesEmpty(list);
        return;
      }
      var message = apiErrorMessage(body);
      if (!message) {
        if (xhr.status === 413) { message = msg(input, 'too-large', { name: file.name, max: humanSize(maxBytes) }); }
        else if (xhr.status === 415) { message = msg(input, 'unsupported', { name: file.name }); }
        else { message = msg(input, 'failed', { name: file.name }); }
      }
      showRowError(row, message);
    });
    xhr.addEventListener('error', function () {
      showRowError(row, msg(input, 'failed', { name: file.name }));
    });
    xhr.addEventListener('abort', function () {
      showRowError(row, msg(input, 'failed', { name: file.name }));
    });
    xhr.send(form);
  }

  document.addEventListener('change', function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('input[type="file"][data-upload-url]')) { return; }
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { return; }
    var list = filesList(input);
    files.forEach(function (file) { uploadOne(input, list, file); });
    input.value = ''; // allow choosing the same file again
  });

  // ---------------------------------------------------------------- deleting attachments

  function deleteFile(button) {
    var question = button.getAttribute('data-confirm');
    if (question && !window.confirm(question)) { return; }
    var row = button.closest('[data-file-row], li, tr');
    var list = row ? row.parentNode : null;
    var old = row ? row.querySelector('.delete-error') : null;
    if (old) { old.parentNode.removeChild(old); }
    button.disabled = true;
    fetch(button.getAttribute('data-delete-url'), {
      method: 'DELETE',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrfToken(), 'Accept': 'application/json' }
    }).then(function (response) {
      if (response.status === 204 || response.ok) {
        if (row && list) {
          list.removeChild(row);
          setFilesEmpty(list);
          var next = list.querySelector('[data-delete-url]') || list.closest('[data-evidence], .item');
          if (next) {
            if (!isFocusable(next)) { next = firstFocusable(next) || next; }
            if (next.focus) { next.focus(); }
          }
        }
        return null;
      }
      return response.text().then(function (text) {
        throw { apiMessage: apiErrorMessage(parseJson(text)) };
      });
    }).catch(function (error) {
      // Network errors carry the browser's own (untranslated) text: use ours instead.
      button.disabled = false;
      var message = (error && error.apiMessage) || button.getAttribute('data-msg-failed') || '';
      if (!message) { return; }
      var span = el('span', 'field-error delete-error', message);
      span.setAttribute('role', 'alert');
      button.parentNode.insertBefore(span, button.nextSibling);
    });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-delete-url]');
    if (!button) { return; }
    event.preventDefault();
    deleteFile(button);
  });

  // ---------------------------------------------------------------- error summary

  function focusField(id) {
    var target = document.getElementById(id);
    if (!target) { return false; }
    var control = firstFocusable(target);
    if (!control) { return false; }
    var field = control.closest('.field') || target;
    if (field.scrollIntoView) { field.scrollIntoView({ block: 'start' }); }
    try { control.focus({ preventScroll: true }); } catch (e) { control.focus(); }
    return true;
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest('.error-summary a[href^="#"]');
    if (!link) { return; }
    var id;
    try { id = decodeURIComponent(link.getAttribute('href').slice(1)); } catch (e) { return; }
    if (focusField(id)) { event.preventDefault(); }
  });

  // ---------------------------------------------------------------- sticky action bar

  // A field focused by Tab may land under the action bar stuck to the bottom of the window:
  // scroll it up until it clears the bar (WCAG 2.4.11). CSS scroll-padding covers most cases;
  // this covers the bar's real height, which grows when its buttons wrap on a phone.
  document.addEventListener('focusin', function (event) {
    var bar = document.querySelector('.actions-sticky');
    var field = event.target;
    if (!bar || bar.contains(field) || !field.getBoundingClientRect) { return; }
    window.requestAnimationFrame(function () {
      var edge = bar.getBoundingClientRect();
      var box = field.getBoundingClientRect();
      var hidden = box.bottom + 8 - edge.top;
      if (hidden > 0 && box.top < edge.bottom) { window.scrollBy(0, hidden); }
    });
  });

  // ---------------------------------------------------------------- filters

  // A filter chosen with the mouse applies at once. With the keyboard, arrow keys change a closed
  // select step by step, so it applies on Enter or when focus leaves it (WCAG 3.2.2), and after
  // the reload focus comes back to it.
  var REFOCUS_KEY = 'talentlib.refocus';
  var keyboardChanged = null;

  function autosubmit(control) {
    try { if (control.id) { window.sessionStorage.setItem(REFOCUS_KEY, control.id); } } catch (e) { /* private mode */ }
    submitForm(control.form);
  }

  function isAutosubmit(control) {
    return control && control.hasAttribute && control.hasAttribute('data-autosubmit') && control.form;
  }

  var lastKeyAt = 0;
  document.addEventListener('keydown', function (event) {
    if (!isAutosubmit(event.target)) { return; }
    lastKeyAt = Date.now();
    if (event.key === 'Enter' && keyboardChanged === event.target) {
      event.preventDefault();
      keyboardChanged = null;
      autosubmit(event.target);
    }
  });

  document.addEventListener('change', function (event) {
    var control = event.target;
    if (!isAutosubmit(control)) { return; }
    if (Date.now() - lastKeyAt < 500) { keyboardChanged = control; return; }
    autosubmit(control);
  });

  document.addEventListener('focusout', function (event) {
    if (keyboardChanged && event.target === keyboardChanged) {
      var control = keyboardChanged;
      keyboardChanged = null;
      autosubmit(control);
    }
  });

  function restoreFocus() {
    var id = null;
    try {
      id = window.sessionStorage.getItem(REFOCUS_KEY);
      window.sessionStorage.removeItem(REFOCUS_KEY);
    } catch (e) { return; }
    var control = id && document.getElementById(id);
    if (control && !document.querySelector('.error-summary')) { control.focus(); }
  }

  // ---------------------------------------------------------------- unsaved changes

  /**
   * What a form would save: its non-empty fields (files upload on their own, and the CSRF token
   * and the pressed button are not data), sorted. An empty item just added changes nothing; a
   * typed value, a ticked box or a removed item does.
   */
  function snapshot(form) {
    var pairs = [];
    var fields = form.elements;
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (!f.name || f.disabled || f.type === 'file' || f.type === 'submit' || f.type === 'button') { continue; }
      if (f.name === 'csrf_token' || f.name === 'action') { continue; }
      if ((f.type === 'checkbox' || f.type === 'radio') && !f.checked) { continue; }
      if (f.tagName === 'SELECT' && f.multiple) {
        for (var j = 0; j < f.options.length; j++) {
          if (f.options[j].selected && f.options[j].value !== '') { pairs.push(f.name + '=' + f.options[j].value); }
        }
        continue;
      }
      if (String(f.value).trim() !== '') { pairs.push(f.name + '=' + f.value); }
    }
    return pairs.sort().join('\n');
  }

  function watchUnsaved(form) {
    var saved = form.getAttribute('data-unsaved') === 'true' ? null : snapshot(form);
    var leaving = false;
    // Bubbling, after the confirmations: a cancelled submission leaves the form unsaved.
    form.addEventListener('submit', function (event) {
      if (!event.defaultPrevented) { leaving = true; }
    });
    // A submission the browser stops (bfcache back) must not keep the flag.
    window.addEventListener('pageshow', function () { leaving = false; });
    window.addEventListener('beforeunload', function (event) {
      if (leaving || snapshot(form) === saved) { return; }
      event.preventDefault();
      event.returnValue = '';
    });
  }

  // ---------------------------------------------------------------- on load

  function onReady() {
    restoreFocus();
    var summary = document.querySelector('.error-summary');
    if (summary) {
      if (!summary.hasAttribute('tabindex')) { summary.setAttribute('tabindex', '-1'); }
      summary.focus();
    }
    var sections = document.querySelectorAll('[data-section]');
    for (var i = 0; i < sections.length; i++) { updateEmpty(sections[i]); }
    var printButtons = document.querySelectorAll('button[data-print]');
    for (var p = 0; p < printButtons.length; p++) {
      printButtons[p].hidden = false;
      printButtons[p].addEventListener('click', function () { window.print(); });
    }
    var watched = document.querySelectorAll('form[data-warn-unsaved]');
    for (var k = 0; k < watched.length; k++) { watchUnsaved(watched[k]); }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', onReady);
  } else {
    onReady();
  }
}());
