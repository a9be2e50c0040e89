/*
 * Samenspel in the browser: what Streamlit's own front end does not do for a Dutch app.
 *
 * Served by modules/ui/server.py (route _samenspel/a11y.js) and loaded by every page: the
 * server's middleware puts <script src="./_samenspel/a11y.js?v=..." defer> in the page head.
 * A same-origin file, no inline code and nothing from elsewhere, so a Content-Security-Policy
 * of "script-src 'self'" allows it. Tests: tests/ui/test_dutch_page.py (the server side) and, in
 * Chromium, tests/e2e/test_page_language.py, test_phone_and_focus.py and test_accessibility.py.
 *
 * 1. Streamlit's English texts (the skip link, aria-labels, placeholders, "No results", the
 *    chart toolbar, "View 3 more" in the navigation, "Help for ...") become Dutch: a
 *    MutationObserver with the fixed dictionary below. Only whole texts and attribute values
 *    that are exactly one of these are changed, never a part of a sentence.
 * 2. The page navigation is a list of lists for screen readers (Streamlit puts the section
 *    headers and their links in <div>s straight inside the <ul>, which axe reports as serious),
 *    and a code block too wide for its box can take focus, so a keyboard can scroll it.
 * 3. On a narrow screen (a phone) the sidebar closes after a page is chosen in it: it lies over
 *    the page. Streamlit does this only for browsers that call themselves a mobile device.
 * 4. After a choice on Spelen, focus moves to the parent's reaction (a screen reader reads it)
 *    instead of dropping to the page body when the clicked button disappears.
 */
(function () {
  "use strict";

  var EXACT = {
    "Skip to main content": "Ga naar de inhoud",
    "Sidebar": "Zijbalk",
    "Collapse sidebar": "Zijbalk sluiten",
    "Expand sidebar": "Zijbalk openen",
    "App pages": "Pagina's",
    "View less": "Minder tonen",
    "Link to heading": "Link naar deze kop",
    "Help": "Uitleg",
    "Main menu": "Menu",
    "Notifications": "Meldingen",
    "Navigate to home page": "Naar de startpagina",
    "Choose an option": "Kies een optie",
    "Choose options": "Kies een of meer opties",
    "Add an option": "Voeg een optie toe",
    "Add options": "Voeg opties toe",
    "Choose or add an option": "Kies een optie of voeg er een toe",
    "Choose or add options": "Kies opties of voeg ze toe",
    "No options to select": "Geen opties om te kiezen",
    "No results": "Geen resultaten",
    "Selectbox options": "Opties",
    "Selected values": "Gekozen waarden",
    "Select all": "Alles kiezen",
    "Clear all": "Alles wissen",
    "Clear value": "Wissen",
    "Clear selection": "Keuze wissen",
    "Open": "Openen",
    "Close": "Sluiten",
    "Cancel": "Annuleren",
    "Show password": "Wachtwoord tonen",
    "Hide password": "Wachtwoord verbergen",
    "Press Enter to apply": "Druk op Enter om toe te passen",
    "Press Enter to submit form": "Druk op Enter om het formulier te versturen",
    "Increment": "Hoger",
    "Decrement": "Lager",
    "Scroll tabs left": "Tabbladen naar links",
    "Scroll tabs right": "Tabbladen naar rechts",
    "Running...": "Bezig...",
    "Stop": "Stoppen",
    "Stop script": "Stoppen",
    "Connecting": "Verbinden",
    "Please wait...": "Even geduld...",
    "Copy to clipboard": "Kopieer naar het klembord",
    "Copied": "Gekopieerd",
    "Copied!": "Gekopieerd!",
    "Copy": "Kopieer",
    "Drag and drop a file here": "Sleep een bestand hierheen",
    "Drag and drop files here": "Sleep bestanden hierheen",
    "Upload": "Bestand kiezen",
    "Add files": "Bestanden toevoegen",
    "No data": "Geen gegevens",
    "Loading...": "Laden...",
    "Dismiss": "Sluiten",
    "Show suggestions": "Suggesties tonen",
    "Suggestions": "Suggesties",
    "Long press or press Alt + ArrowDown to open menu": "Houd lang ingedrukt of druk op Alt + pijl-omlaag om het menu te openen",
    "Close Search": "Zoeken sluiten",
    "Show/hide columns": "Kolommen tonen of verbergen"
  };

  // Whole texts with a part that stays (a label, a number, a file size).
  var PATTERNS = [
    [/^Help for ([\s\S]+)$/, "Uitleg bij $1"],
    [/^Chat message from ([\s\S]+)$/, "Bericht van $1"],
    [/^View (\d+) more$/, "Nog $1 tonen"],
    [/^Press (Ctrl|⌘)\+Enter to apply$/, "Druk op $1+Enter om toe te passen"],
    [/^Press (Ctrl|⌘)\+Enter to submit form$/, "Druk op $1+Enter om het formulier te versturen"],
    [/^Remove ([\s\S]+)$/, "$1 verwijderen"],
    [/^(\S+) per file$/, "Hoogstens $1 per bestand"],
    [/^You can only select up to (\d+) options?\. Remove an option first\.$/, "Je kunt er hoogstens $1 kiezen. Haal er eerst een weg."],
    // What a selection list says to a screen reader while you type or choose (react-aria, in English).
    [/^(\d+) options? available\.$/, function (_, count) { return count + (count === "1" ? " optie" : " opties") + " beschikbaar."; }],
    [/^([\s\S]+), selected$/, "$1, gekozen"]
  ];

  // The toolbar of a chart, table or image: "<action>" (its tooltip) or "<action>: <the element's label>".
  var TOOLBAR = {
    "Fullscreen": "Volledig scherm",
    "Close fullscreen": "Volledig scherm sluiten",
    "Show data": "Toon de gegevens",
    "Show chart": "Toon de grafiek",
    "Download as PNG": "Download als PNG",
    "Download as CSV": "Download als CSV",
    "Copy Vega-Lite spec": "Kopieer de Vega-Lite-specificatie",
    "Search": "Zoeken"
  };
  var WITH_LABEL = /^([^:]+): ([\s\S]+)$/;

  function own(dictionary, key) {
    return Object.prototype.hasOwnProperty.call(dictionary, key) ? dictionary[key] : null;
  }

  function translate(value) {
    if (typeof value !== "string") return null;
    var text = value.trim();
    if (!text) return null;
    var result = own(EXACT, text);
    if (result === null) result = own(TOOLBAR, text);
    if (result === null) {
      for (var i = 0; i < PATTERNS.length && result === null; i++) {
        if (PATTERNS[i][0].test(text)) result = text.replace(PATTERNS[i][0], PATTERNS[i][1]);
      }
    }
    if (result === null) {
      var parts = WITH_LABEL.exec(text);
      if (parts && own(TOOLBAR, parts[1]) !== null) result = TOOLBAR[parts[1]] + ": " + parts[2];
    }
    if (result === null || result === text) return null;
    return value.replace(text, function () { return result; }); // keep the spaces around it
  }

  var ATTRIBUTES = ["aria-label", "placeholder", "title", "aria-placeholder", "aria-roledescription", "aria-valuetext"];
  // Text a person wrote (or an author): never touched, even when it happens to read "Search".
  var KEEP_TEXT = "script, style, noscript, textarea, pre, code, [contenteditable], [data-testid='stMarkdownContainer'], [data-testid='stText'], [data-testid='stCode']";
  var TOOLTIP = "[data-testid='stTooltipContent']"; // Streamlit's toolbar tooltips are Markdown too

  function translateText(node) {
    var parent = node.parentElement;
    if (!parent) return;
    var kept = parent.closest(KEEP_TEXT);
    if (kept && !(kept.matches("[data-testid='stMarkdownContainer']") && kept.closest(TOOLTIP))) return;
    var dutch = translate(node.nodeValue);
    if (dutch !== null) node.nodeValue = dutch;
  }

  function translateAttributes(element) {
    for (var i = 0; i < ATTRIBUTES.length; i++) {
      var value = element.getAttribute(ATTRIBUTES[i]);
      if (value === null) continue;
      var dutch = translate(value);
      if (dutch !== null) element.setAttribute(ATTRIBUTES[i], dutch);
    }
  }

  function translateTree(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      translateText(root);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    translateAttributes(root);
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) translateText(node);
      else translateAttributes(node);
    }
  }

  // --- 2. the navigation as a list of lists -------------------------------------------------
  function fixNavigation() {
    var lists = document.querySelectorAll("ul[data-testid='stSidebarNavItems']");
    for (var i = 0; i < lists.length; i++) {
      var list = lists[i];
      var sections = [];
      for (var c = 0; c < list.children.length; c++) {
        if (list.children[c].tagName === "DIV") sections.push(list.children[c]);
      }
      if (!sections.length) continue; // no sections: a plain list of links, already right
      if (list.getAttribute("role") !== "none") list.setAttribute("role", "none");
      for (var s = 0; s < sections.length; s++) {
        var section = sections[s];
        var header = section.querySelector("[data-testid='stNavSectionHeader']");
        var name = header ? header.textContent.replace(/expand_(more|less)|chevron_right/g, "").trim() : "";
        if (section.getAttribute("role") !== "list") section.setAttribute("role", "list");
        if (name && section.getAttribute("aria-label") !== name) section.setAttribute("aria-label", name);
        // The list is named after the section, so its header is not read a second time.
        if (header && header.getAttribute("aria-hidden") !== "true") header.setAttribute("aria-hidden", "true");
      }
    }
  }

  // --- 2b. a code block wider than its box can be scrolled with the keyboard ----------------
  // (Streamlit's <pre> scrolls sideways but cannot take focus; axe: scrollable-region-focusable.)
  function fixCodeBlocks() {
    var blocks = document.querySelectorAll("[data-testid='stCode'] pre:not([tabindex])");
    for (var i = 0; i < blocks.length; i++) {
      if (blocks[i].scrollWidth > blocks[i].clientWidth || blocks[i].scrollHeight > blocks[i].clientHeight) {
        blocks[i].setAttribute("tabindex", "0");
      }
    }
  }

  // --- 3. close the sidebar after choosing a page on a narrow screen ------------------------
  var NARROW = "(max-width: 768px)"; // Streamlit's own breakpoint (theme.breakpoints.md)

  function closeSidebarSoon() {
    window.setTimeout(function () {
      var sidebar = document.querySelector("section[data-testid='stSidebar']");
      if (!sidebar || sidebar.getAttribute("data-collapsed") !== "false") return; // Streamlit closed it
      var button = sidebar.querySelector("[data-testid='stSidebarCollapseButton'] button");
      if (button) button.click();
    }, 0);
  }

  // --- 4. focus on the reaction after a choice ----------------------------------------------
  // The reaction's container on Spelen: scenes.show_story(..., reaction_key="play-reaction") in
  // modules/ui/pages/spelen.py. Without it: the block right after the last "Jij:" message.
  var REACTION = ".st-key-play-reaction";
  var TEACHER = /^(Chat message from|Bericht van) Jij$/;
  var waiting = null; // {step, until}: a choice was clicked, its reaction is not on the page yet

  function reactionOnPage() {
    var main = document.querySelector("[data-testid='stMain']");
    if (!main) return null;
    var keyed = main.querySelectorAll(REACTION);
    if (keyed.length) return keyed[keyed.length - 1];
    // Without the key: the block after the last "Jij:" message that is not folded away.
    var messages = main.querySelectorAll("[data-testid='stChatMessageContent'][aria-label]");
    for (var i = messages.length - 1; i >= 0; i--) {
      var message = messages[i];
      if (message.closest("[data-testid='stExpander']")) continue;
      if (!TEACHER.test(message.getAttribute("aria-label"))) continue;
      var block = message.closest("[data-testid='stChatMessage']");
      while (block && block !== main && !block.nextElementSibling) block = block.parentElement;
      var next = block && block !== main ? block.nextElementSibling : null;
      return next && next.querySelector("[data-testid='stMarkdownContainer'] em") ? next : null;
    }
    return null;
  }

  function focusReaction() {
    if (waiting === null) return;
    if (Date.now() > waiting.until) {
      waiting = null;
      return;
    }
    var app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute("data-test-script-state") === "running") return;
    if (document.querySelector("[class*='st-key-choice-" + waiting.step + "-']")) return; // the old page
    var reaction = reactionOnPage();
    if (!reaction) return;
    waiting = null;
    if (!reaction.hasAttribute("tabindex")) reaction.setAttribute("tabindex", "-1");
    reaction.style.outlineOffset = "0.25rem"; // the focus ring (after a key press) does not touch the text
    reaction.focus();
  }

  document.addEventListener(
    "click",
    function (event) {
      var target = event.target instanceof Element ? event.target : null;
      if (!target) return;
      var toPage = target.closest("[data-testid='stSidebarNavLink'], .st-key-sidebar-unread button"); // shell.py
      if (toPage && window.matchMedia(NARROW).matches) closeSidebarSoon();
      var choice = target.closest("button") && target.closest("[class*='st-key-choice-']");
      if (choice) {
        var step = /(?:^|\s)st-key-choice-(\d+)-/.exec(choice.className);
        if (step) waiting = { step: step[1], until: Date.now() + 30000 };
      }
    },
    true
  );

  // --- wiring -------------------------------------------------------------------------------
  var scheduled = false;
  function afterChanges() {
    scheduled = false;
    fixNavigation();
    fixCodeBlocks();
    focusReaction();
  }

  var observer = new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      var record = records[i];
      if (record.type === "childList") {
        for (var n = 0; n < record.addedNodes.length; n++) translateTree(record.addedNodes[n]);
      } else if (record.type === "characterData") {
        translateText(record.target);
      } else if (record.type === "attributes" && record.target instanceof Element) {
        translateAttributes(record.target);
      }
    }
    if (!scheduled) {
      scheduled = true;
      window.requestAnimationFrame(afterChanges);
    }
  });

  function start() {
    if (document.documentElement.lang !== "nl") document.documentElement.lang = "nl";
    translateTree(document.body);
    afterChanges();
    observer.observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ATTRIBUTES.concat(["data-test-script-state"])
    });
  }

  // For the tests (tests/e2e/test_page_language.py): the dictionary as a function.
  window.samenspelTranslate = translate;

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
