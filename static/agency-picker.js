// Agency typeahead for the request form and the request list's filter: a progressive
// enhancement of the agency <select>.
// Without JavaScript the <select> works as it is; with it, a search box above the list asks
// /agencies/suggest for the best matches ("ICE" finds U.S. Immigration and Customs Enforcement
// first) and picks the chosen one in the <select>.
(function () {
  "use strict";
  var select = document.querySelector("select[data-suggest-url]");
  if (!select) { return; }
  var url = select.getAttribute("data-suggest-url");
  var wrap = document.createElement("div");
  wrap.className = "field";
  var label = document.createElement("label");
  label.htmlFor = "agency-find";
  label.textContent = "Find an agency by name or abbreviation";
  var input = document.createElement("input");
  input.type = "search";
  input.id = "agency-find";
  input.autocomplete = "off";
  input.setAttribute("list", "agency-find-list");
  var list = document.createElement("datalist");
  list.id = "agency-find-list";
  var status = document.createElement("p");
  status.className = "hint";
  status.id = "agency-find-status";
  status.setAttribute("aria-live", "polite");
  input.setAttribute("aria-describedby", status.id);
  wrap.appendChild(label);
  wrap.appendChild(input);
  wrap.appendChild(list);
  wrap.appendChild(status);
  select.parentNode.parentNode.insertBefore(wrap, select.parentNode);
  var byText = {};
  var timer = null;

  function pick() {
    var id = byText[input.value];
    if (id) {
      if (!select.querySelector('option[value="' + id + '"]')) {
        // A list that offers only some agencies (the request list's filter) gains the one picked.
        var added = document.createElement("option");
        added.value = String(id);
        added.textContent = input.value;
        select.appendChild(added);
      }
      select.value = String(id);
      status.textContent = "Selected: " + input.value;
    }
  }

  function suggest() {
    var q = input.value.trim();
    if (!q || byText[input.value]) { pick(); return; }
    fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) {
        list.textContent = "";
        byText = {};
        data.items.forEach(function (a) {
          var text = a.name + " (" + a.jurisdiction + ")";
          byText[text] = a.id;
          var option = document.createElement("option");
          option.value = text;
          list.appendChild(option);
        });
        status.textContent = data.items.length ? data.items.length + " matching agencies" : (select.getAttribute("data-none") || "No agency matches.");
        pick();
      })
      .catch(function () { status.textContent = ""; });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
  input.addEventListener("change", pick);
})();
