/* i18npub site script. Pages work without it; it only enhances:
   - remembers the reader's language choice (cookie + localStorage) and honours it on the root page;
   - on the root page without a choice, picks English or Chinese from the browser's languages;
   - in the bilingual view, highlights a sentence and its translation on hover or focus, and
     lets the keyboard move between sentences (up/down) and across to the translation (left/right). */
(function () {
  "use strict";

  var VIEWS = ["en", "zh", "bilingual"];
  var COOKIE = "i18npub_view";
  var html = document.documentElement;
  var rootHref = html.getAttribute("data-root") || "";
  var rootUrl = new URL(rootHref || "./", location.href);

  function remember(view) {
    if (VIEWS.indexOf(view) < 0) return;
    try {
      localStorage.setItem(COOKIE, view);
    } catch (e) {
      /* storage may be disabled: the cookie still works */
    }
    document.cookie =
      COOKIE + "=" + view + "; path=" + rootUrl.pathname + "; max-age=31536000; SameSite=Lax";
  }

  function chosen() {
    var match = document.cookie.match(/(?:^|;\s*)i18npub_view=([a-z]+)/);
    var view = match ? match[1] : null;
    if (!view) {
      try {
        view = localStorage.getItem(COOKIE);
      } catch (e) {
        view = null;
      }
    }
    return VIEWS.indexOf(view) >= 0 ? view : null;
  }

  /* Babel-style negotiation over navigator.languages: first of en / zh that matches. */
  function negotiated() {
    var languages = navigator.languages || [navigator.language || "en"];
    for (var i = 0; i < languages.length; i++) {
      var primary = String(languages[i]).toLowerCase().split("-")[0];
      if (primary === "zh") return "zh";
      if (primary === "en") return "en";
    }
    return "en";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-view]");
    if (link) remember(link.getAttribute("data-view"));
  });

  if (html.getAttribute("data-view") === "root" && location.hash !== "#choose") {
    location.replace(new URL((chosen() || negotiated()) + "/", rootUrl).href);
    return;
  }

  /* Bilingual view: sentence pairs. */
  var body = document.querySelector(".pairs-body");
  var title = document.querySelector(".bilingual h1");
  if (!body) return;
  var help = document.getElementById("kbd-help");
  if (help) help.hidden = false;
  var sentences = Array.prototype.slice.call(
    document.querySelectorAll(".bilingual .s[data-pair]")
  );
  var lit = [];

  /* data-pair holds one pair id, or several on the marker that stands in the Chinese column
     for a run of sentences shown only in English. */
  function pairsOf(element) {
    return (element.getAttribute("data-pair") || "").split(" ");
  }

  function partners(element) {
    var mine = pairsOf(element);
    return sentences.filter(function (s) {
      return pairsOf(s).some(function (pair) {
        return mine.indexOf(pair) >= 0;
      });
    });
  }

  function light(element) {
    lit.forEach(function (s) {
      s.classList.remove("hl");
    });
    lit = element ? partners(element) : [];
    lit.forEach(function (s) {
      s.classList.add("hl");
    });
  }

  function sentenceOf(event) {
    return event.target.closest ? event.target.closest(".s[data-pair]") : null;
  }

  [body, title].forEach(function (area) {
    if (!area) return;
    area.addEventListener("mouseover", function (e) {
      light(sentenceOf(e));
    });
    area.addEventListener("mouseleave", function () {
      light(document.activeElement && sentenceOf({ target: document.activeElement }));
    });
    area.addEventListener("focusin", function (e) {
      light(sentenceOf(e));
    });
    area.addEventListener("focusout", function (e) {
      if (!e.relatedTarget || !sentenceOf({ target: e.relatedTarget })) light(null);
    });
  });

  /* One tab stop for all sentences (roving tabindex); arrows move within it. */
  var english = sentences.filter(function (s) {
    return s.id.slice(-3) === "-en";
  });
  var chinese = sentences.filter(function (s) {
    return s.id.slice(-3) === "-zh";
  });
  sentences.forEach(function (s) {
    s.tabIndex = -1;
  });
  if (english.length) english[0].tabIndex = 0;

  function move(from, to) {
    if (!to) return;
    from.tabIndex = -1;
    to.tabIndex = 0;
    to.focus();
  }

  document.addEventListener("keydown", function (e) {
    var current = sentenceOf(e);
    if (!current || e.altKey || e.ctrlKey || e.metaKey) return;
    var column = current.id.slice(-3) === "-en" ? english : chinese;
    var index = column.indexOf(current);
    var target = null;
    if (e.key === "ArrowDown") target = column[index + 1];
    else if (e.key === "ArrowUp") target = column[index - 1];
    else if (e.key === "Home") target = column[0];
    else if (e.key === "End") target = column[column.length - 1];
    else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      target = partners(current).filter(function (s) {
        return s !== current;
      })[0];
    } else return;
    e.preventDefault();
    move(current, target);
  });
})();
