// Dragging agenda points (SortableJS): a point dropped in a list is placed there by the server,
// which answers the editor again. The keyboard does the same with the buttons of each point.
import Sortable from "sortablejs";

export function enableAgendaDragging(content) {
  const lists = content.querySelectorAll ? content.querySelectorAll("ol.agenda-editor[data-sortable]") : [];
  lists.forEach((list) => {
    list.querySelectorAll(":scope > li > .item-line > .drag-handle").forEach((handle) => { handle.hidden = false; });
    Sortable.create(list, {
      group: "agenda",
      handle: ".drag-handle",
      animation: 150,
      fallbackOnBody: true,
      onEnd(event) {
        if (event.from === event.to && event.oldIndex === event.newIndex) return;
        const item = event.item;
        const parent = event.to.closest("li[data-item]");
        // Not saved (network, session, server): the point goes back where it was.
        const putBack = () => {
          item.remove();
          event.from.insertBefore(item, event.from.children[event.oldIndex] || null);
        };
        item.addEventListener("htmx:responseError", putBack, { once: true });
        item.addEventListener("htmx:sendError", putBack, { once: true });
        window.htmx.ajax("POST", item.dataset.place, {
          source: item,
          target: "#agenda-editor",
          swap: "outerHTML",
          values: {
            parent: parent ? parent.dataset.item : "",
            index: String(event.newIndex),
            csrf_token: document.querySelector('input[name="csrf_token"]')?.value || "",
          },
        });
      },
    });
  });
}
