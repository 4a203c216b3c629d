// Naboråd's own few lines of JavaScript. Everything works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
  // Wide screens show the whole menu; keep the <details> open there for older browsers.
  var wide = window.matchMedia("(min-width: 48rem)");
  function syncMenu() {
    var menu = document.querySelector("details.menu");
    if (menu && wide.matches) { menu.open = true; }
  }
  document.addEventListener("DOMContentLoaded", syncMenu);
  wide.addEventListener("change", syncMenu);

  // Drafts: what someone types in a form marked data-draft is kept in this tab's sessionStorage
  // until the server has taken it, so an ended session, a lost connection or a reload loses nothing.
  // A tab may be a shared PC's: drafts are kept under the writer's <meta name="draft-owner"> (the
  // server's per-member value), dropped on every page of someone else or of nobody logged in, and
  // all dropped on logout. The login pages have no owner yet: they keep the drafts for their writer.
  var PREFIX = "naborad-draft:";
  var KEEP = "textarea, input[type=text], input:not([type])";

  function owner() {  // the member's value, "" for nobody, null where not known (the way into a session)
    var meta = document.querySelector("meta[name=draft-owner]");
    return meta ? meta.getAttribute("content") : null;
  }
  function keyOf(form) {
    var who = owner();
    return who ? PREFIX + who + ":" + location.pathname + "#" + form.getAttribute("data-draft") : null;
  }
  function draftKeys() {
    var keys = [];
    try {
      for (var i = 0; i < sessionStorage.length; i++) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) { keys.push(key); }
      }
    } catch (e) { /* blocked */ }
    return keys;
  }
  function drop(keepPrefix) {  // every draft but those whose key starts with keepPrefix
    draftKeys().forEach(function (key) {
      if (!keepPrefix || key.indexOf(keepPrefix) !== 0) {
        try { sessionStorage.removeItem(key); } catch (e) { /* blocked */ }
      }
    });
  }
  function dropOthers() {
    var who = owner();
    if (who !== null) { drop(who ? PREFIX + who + ":" : null); }
  }
  function read(key) {
    try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function fields(form) { return Array.prototype.slice.call(form.querySelectorAll(KEEP)); }
  function save(form, submitted) {
    var key = keyOf(form), values = {}, any = false;
    if (!key) { return; }
    fields(form).forEach(function (f) { if (f.name && f.value) { values[f.name] = f.value; any = true; } });
    try {
      if (any) { sessionStorage.setItem(key, JSON.stringify({values: values, submitted: !!submitted})); }
      else { sessionStorage.removeItem(key); }
    } catch (e) { /* storage full or blocked: nothing to do */ }
  }
  function hasErrors(form) { return !!form.querySelector(".has-error, .form-errors, .wording-prompt"); }
  function restore(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("form[data-draft]").forEach(function (form) {
      var key = keyOf(form), draft = key && read(key);
      if (!draft) { return; }
      if (draft.submitted && !hasErrors(form)) {  // back on the form's page after a plain post went through
        sessionStorage.removeItem(key);
        return;
      }
      var empty = fields(form).every(function (f) { return !f.value; });
      if (empty) {
        fields(form).forEach(function (f) { if (draft.values[f.name]) { f.value = draft.values[f.name]; } });
      }
      draft.submitted = false;
      sessionStorage.setItem(key, JSON.stringify(draft));
    });
  }
  function onLoginPage() {
    // A post that ended on the login page did not go through: its drafts are not "submitted".
    if (!document.querySelector("form[data-login]")) { return; }
    draftKeys().forEach(function (key) {
      var draft = read(key);
      if (draft && draft.submitted) { draft.submitted = false; sessionStorage.setItem(key, JSON.stringify(draft)); }
    });
  }
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft]");
    if (form) { save(form, false); }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.closest && event.target.closest("form[data-logout]")) { drop(null); return; }
    var form = event.target.closest && event.target.closest("form[data-draft]");
    if (form && !form.hasAttribute("hx-post")) { save(form, true); }
  });
  document.addEventListener("htmx:after:request", function (event) {
    var ctx = event.detail && event.detail.ctx, source = ctx && ctx.sourceElement;
    var form = source && source.closest && source.closest("form[data-draft]");
    if (!form || !ctx.response) { return; }
    var redirected = ctx.response.headers && ctx.response.headers.get("HX-Redirect");
    var key = keyOf(form);
    if (key && ctx.response.status < 400 && !redirected) {
      try { sessionStorage.removeItem(key); } catch (e) { /* blocked */ }
    }
  });
  document.addEventListener("DOMContentLoaded", function () { dropOthers(); onLoginPage(); restore(document); });
  document.addEventListener("htmx:after:swap", function (event) { restore(event.target || document); });
})();

/* issue 15 (staff): a disclosure that holds a form (the pre-meeting's "Comment"). Opened by the person,
   it puts the caret in its first text field; a draft restored into it (see Drafts above, which runs first)
   opens it, so typed text is never hidden behind a closed "Comment". */
(function () {
  "use strict";
  var FIELD = "textarea, input[type=text]";
  var asked = null;  // the disclosure whose summary the person just clicked or pressed Enter/Space on
  function openDrafts() {
    document.querySelectorAll("details[data-focus-on-open]").forEach(function (d) {
      if (Array.prototype.some.call(d.querySelectorAll(FIELD), function (f) { return !!f.value; })) { d.open = true; }
    });
  }
  document.addEventListener("click", function (event) {
    var summary = event.target.closest && event.target.closest("details[data-focus-on-open] > summary");
    asked = summary ? summary.parentElement : null;
  });
  document.addEventListener("toggle", function (event) {
    var d = event.target;
    if (d !== asked || !d.open) { return; }
    asked = null;
    var field = d.querySelector(FIELD);
    if (field) { field.focus(); }
  }, true);
  document.addEventListener("DOMContentLoaded", openDrafts);
})();

// issue 15 (chair): leaving a page with typed text not yet sent warns first. A form marked
// data-warn-unsaved is marked "unsaved" by typing; its own submit clears the mark, and so does an htmx
// request from inside it that went through (it carried, and the server saved, what was typed).
(function () {
  "use strict";
  var GUARDED = "form[data-warn-unsaved]";
  function guarded(node) { return node && node.closest ? node.closest(GUARDED) : null; }
  document.addEventListener("input", function (event) {
    var form = guarded(event.target);
    if (form) { form.setAttribute("data-unsaved", ""); }
  });
  document.addEventListener("submit", function (event) {
    var form = guarded(event.target), by = event.submitter;
    if (form && !(by && by.hasAttribute("hx-post"))) { form.removeAttribute("data-unsaved"); }
  });
  document.addEventListener("htmx:after:request", function (event) {
    var ctx = event.detail && event.detail.ctx, form = guarded(ctx && ctx.sourceElement);
    if (form && ctx.response && ctx.response.status < 400) { form.removeAttribute("data-unsaved"); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector(GUARDED + "[data-unsaved]")) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to ask
    }
  });
})();

// issue 16 (paging): "Show more" swaps its own row for the next page's rows; the first of them carries
// data-page-start and takes the focus, so a keyboard or screen-reader user goes on where they were. A later
// page loaded whole (without htmx) has the mark too: it is dropped there, so a later swap does not jump to it.
(function () {
  "use strict";
  function unmark(row) { row.removeAttribute("data-page-start"); }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-page-start]").forEach(unmark);
  });
  document.addEventListener("htmx:after:swap", function () {
    var first = document.querySelector("[data-page-start]");
    if (first) { unmark(first); first.focus(); }
  });
})();
