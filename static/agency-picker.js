// Agency typeahead for every agency list that names a suggest URL (the request form, "File
// again", the request list's and search's filters): a progressive enhancement of the <select>.
// Without JavaScript the <select> works as it is; with it, a search box above the list asks
// /agencies/suggest for the best matches ("ICE" finds U.S. Immigration and Customs Enforcement
// first) and picks the chosen one in the <select>. A list that offers only some agencies (a
// large directory lists the organization's own) gains the one picked; a multiple list keeps
// what was already selected.
(function () {
  "use strict";

  function enhance(select, n) {
    var url = select.getAttribute("data-suggest-url");
    var suffix = n ? "-" + (n + 1) : "";
    var wrap = document.createElement("div");
    wrap.className = "field";
    var label = document.createElement("label");
    label.htmlFor = "agency-find" + suffix;
    label.textContent = "Find an agency by name or abbreviation";
    var input = document.createElement("input");
    input.type = "search";
    input.id = "agency-find" + suffix;
    input.autocomplete = "off";
    input.setAttribute("list", "agency-find-list" + suffix);
    var list = document.createElement("datalist");
    list.id = "agency-find-list" + suffix;
    var status = document.createElement("p");
    status.className = "hint";
    status.id = "agency-find-status" + suffix;
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
      if (!id) { return; }
      var option = select.querySelector('option[value="' + id + '"]');
      if (!option) {
        option = document.createElement("option");
        option.value = String(id);
        option.textContent = input.value;
        select.appendChild(option);
      }
      if (select.multiple) {
        option.selected = true;
        status.textContent = "Added: " + input.value;
        input.value = "";
      } else {
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
  }

  var selects = document.querySelectorAll("select[data-suggest-url]");
  for (var i = 0; i < selects.length; i++) { enhance(selects[i], i); }
})();
