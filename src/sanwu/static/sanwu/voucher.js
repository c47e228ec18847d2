// The voucher form (记账凭证) and the opening-balance form: add/remove entry rows, live debit and
// credit totals in integer fen, the capital-letter total (大写, same rules as the server's
// sanwu.core.money.to_capital), a warning when they do not balance, the income-source picker
// shown for income accounts, the account picker's search (code, name, pinyin initials), the
// attachment count from the receipts chosen. Wired by data attributes only (Content-Security-Policy).
(function () {
  "use strict";

  var DIGITS = "零壹贰叁肆伍陆柒捌玖";
  var UNITS = ["", "拾", "佰", "仟"];
  var SECTIONS = ["", "万", "亿", "万亿"];

  // Yuan text → integer fen, or null when it is not an amount with at most two decimals.
  function parseFen(text) {
    // full-width digits and separators (１，２００．００) read as the ASCII ones, as on the server
    var t = String(text || "").replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/．/g, ".").replace(/－/g, "-").replace(/[\s,，]/g, "");
    if (t.charAt(0) === "¥" || t.charAt(0) === "￥") t = t.slice(1);
    if (t === "") return 0;
    var m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(t);
    if (!m || (m[2] === "" && !m[3])) return null;
    var frac = m[3] || "";
    if (frac.length > 2 && /[1-9]/.test(frac.slice(2))) return null;
    var whole = m[2] === "" ? 0 : parseInt(m[2], 10);
    var fen = whole * 100 + parseInt((frac + "00").slice(0, 2), 10);
    if (!Number.isSafeInteger(fen)) return null;
    return m[1] === "-" ? -fen : fen;
  }

  function formatYuan(fen) {
    var sign = fen < 0 ? "-" : "";
    var a = Math.abs(fen);
    var yuan = Math.floor(a / 100);
    var cents = a % 100;
    var whole = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + whole + "." + (cents < 10 ? "0" : "") + cents;
  }

  function fourDigits(n) {
    var out = "";
    var zero = false;
    for (var pos = 3; pos >= 0; pos--) {
      var d = Math.floor(n / Math.pow(10, pos)) % 10;
      if (d === 0) { zero = out.length > 0; continue; }
      if (zero) { out += "零"; zero = false; }
      out += DIGITS.charAt(d) + UNITS[pos];
    }
    return out;
  }

  function toCapital(fen) {
    if (fen === 0) return "零元整";
    var prefix = fen < 0 ? "负" : "";
    fen = Math.abs(fen);
    var yuan = Math.floor(fen / 100);
    var rest = fen % 100;
    var jiao = Math.floor(rest / 10);
    var cents = rest % 10;
    var out = "";
    if (yuan) {
      var sections = [];
      var n = yuan;
      while (n) { sections.push(n % 10000); n = Math.floor(n / 10000); }
      var text = "";
      var needZero = false;
      for (var i = sections.length - 1; i >= 0; i--) {
        var sec = sections[i];
        if (sec === 0) { needZero = text.length > 0; continue; }
        if (text && (needZero || sec < 1000)) text += "零";
        text += fourDigits(sec) + SECTIONS[i];
        needZero = false;
      }
      out += text + "元";
    }
    if (jiao === 0 && cents === 0) {
      out += "整";
    } else {
      if (jiao) out += DIGITS.charAt(jiao) + "角";
      else if (yuan) out += "零";
      out += cents ? DIGITS.charAt(cents) + "分" : "整";
    }
    return prefix + out;
  }

  function mark(input, ok) {
    input.classList.toggle("bad", !ok);
    if (ok) input.removeAttribute("aria-invalid");
    else input.setAttribute("aria-invalid", "true");
  }

  function setText(root, selector, text) {
    var el = root.querySelector(selector);
    if (el) el.textContent = text;
  }

  function showBalance(root, debit, credit, bad) {
    var state = root.querySelector("[data-balance-state]");
    if (!state) return;
    state.classList.remove("ok-text", "warn-text");
    if (bad) {
      state.textContent = "有金额格式不对（最多两位小数）";
      state.classList.add("warn-text");
    } else if (debit !== credit) {
      state.textContent = "借贷不平，差额 " + formatYuan(Math.abs(debit - credit)) + " 元";
      state.classList.add("warn-text");
    } else if (debit !== 0) {
      state.textContent = "借贷平衡";
      state.classList.add("ok-text");
    } else {
      state.textContent = "";
    }
  }

  // --- the voucher form ------------------------------------------------------------------
  function setupVoucher(form) {
    var body = form.querySelector("[data-entries]");
    var template = form.querySelector("template[data-row-template]");

    function syncSource(row) {
      var account = row.querySelector("[data-account]");
      var source = row.querySelector("[data-source-select]");
      if (!account || !source) return;
      var opt = account.options[account.selectedIndex];
      var income = !!(opt && opt.getAttribute("data-income"));
      if (income && !source.value && opt.getAttribute("data-source")) source.value = opt.getAttribute("data-source");
      source.hidden = !income && !source.value;
    }

    function recompute() {
      var debit = 0, credit = 0, bad = false;
      body.querySelectorAll("[data-entry]").forEach(function (row) {
        [["[data-debit]", 1], ["[data-credit]", 2]].forEach(function (spec) {
          var input = row.querySelector(spec[0]);
          var fen = parseFen(input.value);
          mark(input, fen !== null);
          if (fen === null) { bad = true; return; }
          if (spec[1] === 1) debit += fen; else credit += fen;
        });
      });
      setText(form, "[data-debit-total]", formatYuan(debit));
      setText(form, "[data-credit-total]", formatYuan(credit));
      setText(form, "[data-capital]", toCapital(debit));
      showBalance(form, debit, credit, bad);
    }

    // The picker's search box: options whose code, name or pinyin (data-search) hold the text
    // stay; when one alone is left it is chosen.
    function wireFilter(row, account) {
      var filter = row.querySelector("[data-account-filter]");
      if (!filter || !account) return;
      filter.hidden = false;
      filter.addEventListener("input", function () {
        var q = filter.value.trim().toLowerCase();
        var left = [];
        account.querySelectorAll("option").forEach(function (opt) {
          if (!opt.value) return;
          var hit = !q || (opt.getAttribute("data-search") || "").toLowerCase().indexOf(q) !== -1;
          opt.hidden = !hit;
          if (hit) left.push(opt);
        });
        account.querySelectorAll("optgroup").forEach(function (g) {
          g.hidden = !g.querySelector("option:not([hidden])");
        });
        if (q && left.length === 1) {
          account.value = left[0].value;
          syncSource(row);
        }
        filter.classList.toggle("bad", !!q && left.length === 0);
      });
    }

    function wire(row) {
      syncSource(row);
      var account = row.querySelector("[data-account]");
      if (account) account.addEventListener("change", function () { syncSource(row); });
      wireFilter(row, account);
      row.querySelectorAll("[data-debit], [data-credit]").forEach(function (input) {
        input.addEventListener("input", recompute);
      });
      var remove = row.querySelector("[data-remove-row]");
      if (remove) {
        remove.addEventListener("click", function () {
          if (body.querySelectorAll("[data-entry]").length > 2) {
            row.remove();
          } else {
            row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
            row.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
            syncSource(row);
          }
          recompute();
        });
      }
    }

    body.querySelectorAll("[data-entry]").forEach(wire);
    var add = form.querySelector("[data-add-row]");
    if (add && template) {
      add.addEventListener("click", function () {
        var row = template.content.querySelector("[data-entry]").cloneNode(true);
        body.appendChild(row);
        wire(row);
        var first = row.querySelector("input, select");
        if (first) first.focus();
      });
    }
    recompute();

    // The attachment count is the number of receipts: those saved and those chosen now.
    var count = form.querySelector("[data-attachment-count]");
    var names = form.querySelector("[data-receipt-names]");
    var pickers = form.querySelectorAll("[data-receipts]");
    pickers.forEach(function (input) {
      input.addEventListener("change", function () {
        var chosen = [];
        pickers.forEach(function (p) { Array.prototype.forEach.call(p.files || [], function (f) { chosen.push(f.name); }); });
        if (count) count.textContent = String(parseInt(count.getAttribute("data-saved") || "0", 10) + chosen.length);
        if (names && chosen.length) names.textContent = "将上传：" + chosen.join("、");
      });
    });
  }

  // --- the opening-balance form -------------------------------------------------------------
  function setupOpening(form) {
    function recompute() {
      var debit = 0, credit = 0, bad = false;
      form.querySelectorAll("[data-opening-row]").forEach(function (row) {
        var input = row.querySelector("[data-amount]");
        var side = row.querySelector("[data-side]");
        var fen = parseFen(input.value);
        mark(input, fen !== null);
        if (fen === null) { bad = true; return; }
        var signed = side && side.value === "credit" ? -fen : fen;
        if (signed >= 0) debit += signed; else credit -= signed;
      });
      setText(form, "[data-debit-total]", formatYuan(debit));
      setText(form, "[data-credit-total]", formatYuan(credit));
      showBalance(form, debit, credit, bad);
    }
    form.addEventListener("input", recompute);
    form.addEventListener("change", recompute);
    recompute();
  }

  function onReady(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  onReady(function () {
    document.querySelectorAll("form[data-voucher-form]").forEach(setupVoucher);
    document.querySelectorAll("form[data-opening-form]").forEach(setupOpening);
    // <button data-confirm-button="…"> asks before this one button's irreversible submit.
    document.querySelectorAll("button[data-confirm-button]").forEach(function (btn) {
      btn.addEventListener("click", function (ev) {
        if (!window.confirm(btn.getAttribute("data-confirm-button"))) ev.preventDefault();
      });
    });
  });

  // For tests and the console: the same arithmetic the page uses.
  window.sanwuVoucher = { parseFen: parseFen, toCapital: toCapital, formatYuan: formatYuan };
})();
