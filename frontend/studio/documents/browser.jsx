// What the form designer and the matrix editor need from the browser itself.
//
// `TrellisDraftKeeper` ({draft: {key, dirty, document, base_revision}}) keeps unsaved
// work in localStorage under `key` (a reload or a crash loses nothing), clears it once
// saved, and warns before the tab closes while there are unsaved changes. It draws
// nothing. The canvas editor does the same for workflows.
//
// `TrellisSortable` wraps a list whose items carry `data-sort-index`: dragging one
// onto another reports `onMove({from, to})`; dragging a palette entry (an element
// with `data-palette-field`) onto the list reports `onAdd({type, at})`. Listeners are
// delegated to the wrapper, so the items may be drawn by anything (Reflex's foreach).

import React, { useCallback, useEffect, useRef } from "react";

const ITEM = "application/x-trellis-item";
const PALETTE = "application/x-trellis-palette";

export function TrellisDraftKeeper({ draft }) {
  useEffect(() => {
    if (!draft || !draft.key) return;
    if (draft.dirty && draft.document) {
      const stored = { document: draft.document, base_revision: draft.base_revision, at: new Date().toISOString() };
      try {
        window.localStorage.setItem(draft.key, JSON.stringify(stored));
      } catch (error) {
        console.warn("The local draft could not be kept:", error);
      }
    } else if (!draft.dirty) {
      window.localStorage.removeItem(draft.key);
    }
  }, [draft]);

  const dirty = Boolean(draft && draft.dirty);
  useEffect(() => {
    if (!dirty) return undefined;
    const warn = (event) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  return null;
}

function itemOf(target) {
  return target && target.closest ? target.closest("[data-sort-index]") : null;
}

// Where a drop over `item` lands: before it (upper half) or after it.
function slot(item, event) {
  const box = item.getBoundingClientRect();
  const index = Number(item.getAttribute("data-sort-index"));
  return event.clientY < box.top + box.height / 2 ? index : index + 1;
}

function clearMarks(root) {
  root.querySelectorAll("[data-drop]").forEach((el) => el.removeAttribute("data-drop"));
}

export function TrellisSortable({ onMove, onAdd, disabled, children, ref: outer, ...rest }) {
  const root = useRef(null);
  // Reflex hands a ref to every element with an id: keep it, and ours.
  const attach = useCallback(
    (element) => {
      root.current = element;
      if (typeof outer === "function") outer(element);
      else if (outer) outer.current = element;
    },
    [outer],
  );

  useEffect(() => {
    const start = (event) => {
      const palette = event.target && event.target.closest ? event.target.closest("[data-palette-field]") : null;
      if (palette) {
        event.dataTransfer.setData(PALETTE, palette.getAttribute("data-palette-field"));
        event.dataTransfer.effectAllowed = "copy";
      }
    };
    document.addEventListener("dragstart", start);
    return () => document.removeEventListener("dragstart", start);
  }, []);

  useEffect(() => {
    const element = root.current;
    if (!element || disabled) return undefined;
    const start = (event) => {
      const item = itemOf(event.target);
      if (!item || !element.contains(item)) return;
      event.dataTransfer.setData(ITEM, item.getAttribute("data-sort-index"));
      event.dataTransfer.effectAllowed = "move";
    };
    const over = (event) => {
      const types = Array.from(event.dataTransfer.types || []);
      if (!types.includes(ITEM) && !types.includes(PALETTE)) return;
      event.preventDefault();
      clearMarks(element);
      const item = itemOf(event.target);
      if (item) {
        const box = item.getBoundingClientRect();
        item.setAttribute("data-drop", event.clientY < box.top + box.height / 2 ? "before" : "after");
      }
    };
    const leave = (event) => {
      if (!element.contains(event.relatedTarget)) clearMarks(element);
    };
    const drop = (event) => {
      const types = Array.from(event.dataTransfer.types || []);
      if (!types.includes(ITEM) && !types.includes(PALETTE)) return;
      event.preventDefault();
      clearMarks(element);
      const item = itemOf(event.target);
      const count = element.querySelectorAll("[data-sort-index]").length;
      const at = item ? slot(item, event) : count;
      if (types.includes(ITEM)) {
        const from = Number(event.dataTransfer.getData(ITEM));
        // Dropping below itself moves it one place less far: it left its own slot.
        const to = at > from ? at - 1 : at;
        if (to !== from && onMove) onMove({ from, to });
      } else if (onAdd) {
        onAdd({ type: event.dataTransfer.getData(PALETTE), at });
      }
    };
    element.addEventListener("dragstart", start);
    element.addEventListener("dragover", over);
    element.addEventListener("dragleave", leave);
    element.addEventListener("drop", drop);
    return () => {
      element.removeEventListener("dragstart", start);
      element.removeEventListener("dragover", over);
      element.removeEventListener("dragleave", leave);
      element.removeEventListener("drop", drop);
    };
  }, [onMove, onAdd, disabled]);

  return (
    <div ref={attach} {...rest}>
      {children}
    </div>
  );
}
