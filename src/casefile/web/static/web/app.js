// casefile web: no inline script (the CSP forbids it). Form drafts are kept in this browser until sent.
(function () {
  "use strict";
  function keyOf(form) { return "casefile-draft:" + form.getAttribute("data-draft"); }
  function save(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "file" || el.type === "password") { return; }
      if (el.type === "checkbox") { (data[el.name] = data[el.name] || []); if (el.checked) { data[el.name].push(el.value); } }
      else { data[el.name] = el.value; }
    });
    try { localStorage.setItem(keyOf(form), JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  function restore(form) {
    var raw = null;
    try { raw = localStorage.getItem(keyOf(form)); } catch (e) { return; }
    if (!raw) { return; }
    var data = JSON.parse(raw), touched = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === "hidden" || el.type === "file") { return; }
      if (el.type === "checkbox") { if (!el.checked && data[el.name].indexOf(el.value) >= 0) { el.checked = true; touched = true; } }
      else if (!el.value && data[el.name]) { el.value = data[el.name]; touched = true; }
    });
    if (touched) {
      var note = document.createElement("p");
      note.className = "hint";
      note.textContent = "已恢复本机保存的未提交草稿。";
      form.insertBefore(note, form.firstChild);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      restore(form);
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
      form.addEventListener("submit", function () {
        form.setAttribute("data-sent", "1");
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; b.textContent = "正在提交…"; });
      });
    });
    // a page that confirms success clears the drafts of forms no longer shown
    if (document.querySelector(".flash.ok")) {
      try {
        Object.keys(localStorage).forEach(function (k) {
          if (k.indexOf("casefile-draft:") === 0 && !document.querySelector("form[data-draft='" + k.slice(15) + "']")) { localStorage.removeItem(k); }
        });
      } catch (e) { /* ignore */ }
    }
  });
})();
