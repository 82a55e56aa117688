// A part of the minutes as formatted text: Tiptap bound to the part's Yjs document, with a
// small toolbar and the usual shortcuts (Ctrl+B, Ctrl+I, Ctrl+Alt+1…3, Ctrl+Shift+7/8/B).
// Only the nodes and marks the server turns into Markdown are enabled
// (groupes/minutes/prose.py): paragraph, headings 1 to 3, lists, quote, hard break, bold,
// italic, code, link.
import { Editor } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import Collaboration from "@tiptap/extension-collaboration";

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

const BUTTONS = [
  { name: "bold", label: "Gras", keys: "Ctrl+B", run: (c) => c.toggleBold(), active: ["bold"] },
  { name: "italic", label: "Italique", keys: "Ctrl+I", run: (c) => c.toggleItalic(), active: ["italic"] },
  { name: "h1", label: "Titre 1", keys: "Ctrl+Alt+1", run: (c) => c.toggleHeading({ level: 1 }), active: ["heading", { level: 1 }] },
  { name: "h2", label: "Titre 2", keys: "Ctrl+Alt+2", run: (c) => c.toggleHeading({ level: 2 }), active: ["heading", { level: 2 }] },
  { name: "h3", label: "Titre 3", keys: "Ctrl+Alt+3", run: (c) => c.toggleHeading({ level: 3 }), active: ["heading", { level: 3 }] },
  { name: "bullets", label: "Liste à puces", keys: "Ctrl+Maj+8", run: (c) => c.toggleBulletList(), active: ["bulletList"] },
  { name: "numbers", label: "Liste numérotée", keys: "Ctrl+Maj+7", run: (c) => c.toggleOrderedList(), active: ["orderedList"] },
  { name: "quote", label: "Citation", keys: "Ctrl+Maj+B", run: (c) => c.toggleBlockquote(), active: ["blockquote"] },
];

function linkCommand(editor) {
  const current = editor.getAttributes("link").href || "";
  const href = window.prompt("Adresse du lien (https://… ou mailto:…), vide pour retirer le lien :", current);
  if (href === null) return;
  const chain = editor.chain().focus().extendMarkRange("link");
  if (!href.trim()) { chain.unsetLink().run(); return; }
  const address = SAFE_LINK.test(href.trim()) ? href.trim() : "https://" + href.trim();
  chain.setLink({ href: address }).run();
}

function toolbar(editor, key) {
  const bar = document.createElement("div");
  bar.className = "editor-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Mise en forme du texte");
  bar.setAttribute("aria-controls", `editeur-${key}`);
  const buttons = [];
  const add = (label, keys, onClick, active) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-quiet btn-small";
    button.textContent = label;
    button.title = keys ? `${label} (${keys})` : label;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("mousedown", (event) => event.preventDefault());  // keeps the selection
    button.addEventListener("click", onClick);
    bar.append(button);
    buttons.push({ button, active });
  };
  for (const spec of BUTTONS) {
    add(spec.label, spec.keys, () => spec.run(editor.chain().focus()).run(), spec.active);
  }
  add("Lien", "Ctrl+K", () => linkCommand(editor), ["link"]);
  const refresh = () => {
    for (const { button, active } of buttons) {
      button.setAttribute("aria-pressed", String(editor.isActive(...active)));
    }
  };
  editor.on("selectionUpdate", refresh);
  editor.on("transaction", refresh);
  return bar;
}

// Replaces the textarea of `field` (the element carrying data-part) by an editor of `doc`.
export function mountEditor(field, doc, { editable, labelId, describedBy }) {
  const key = field.dataset.part;
  const textarea = field.querySelector("textarea");
  const host = document.createElement("div");
  host.className = "rich-editor";
  const editor = new Editor({
    element: host,
    editable,
    extensions: [
      StarterKit.configure({
        undoRedo: false,  // Yjs keeps the history of each editor
        codeBlock: false,
        horizontalRule: false,
        strike: false,
        underline: false,
        trailingNode: false,
        heading: { levels: [1, 2, 3] },
        link: {
          openOnClick: false,
          autolink: true,
          protocols: ["mailto"],
          defaultProtocol: "https",
          isAllowedUri: (url) => SAFE_LINK.test(url),
          HTMLAttributes: { rel: "noopener noreferrer nofollow", target: null },
        },
      }),
      Collaboration.configure({ document: doc }),
    ],
    editorProps: {
      attributes: {
        id: `editeur-${key}`,
        class: "rich-editor-text prose",
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": labelId,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        ...(editable ? {} : { "aria-readonly": "true" }),
      },
      handleKeyDown: (view, event) => {
        if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
          event.preventDefault();
          linkCommand(editor);
          return true;
        }
        return false;
      },
    },
  });
  if (editable) field.insertBefore(toolbar(editor, key), textarea);
  field.insertBefore(host, textarea);
  textarea.hidden = true;
  textarea.disabled = true;  // the form no longer sends it: the document is the text
  const label = document.getElementById(labelId);
  if (label) label.addEventListener("click", () => editor.commands.focus());
  return {
    editor,
    destroy() {
      editor.destroy();
      field.querySelectorAll(".editor-toolbar, .rich-editor").forEach((node) => node.remove());
    },
  };
}
