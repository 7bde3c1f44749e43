// The workflow canvas: React Flow drawing the graph the studio computes in Python.
//
// Python owns the document; this component owns only what changes frame by frame
// (positions while dragging, selection, zoom). It reports discrete edits through
// `onEdit` ({op: "add" | "connect" | "move" | "delete" | "layout", ...}), the
// selection through `onSelect` and keyboard commands (undo, redo, copy, paste, cut)
// through `onCommand`, then draws the graph Python sends back. Nodes are rebuilt
// from `graph` keeping their measured size and selection; `select` ({serial, ids})
// changes the selection only when its serial changes (a pasted copy, an error
// clicked in the list), so an answer that arrives late never undoes a newer click.
//
// `draft` ({key, dirty, document, base_revision}) keeps unsaved work in the
// browser's localStorage under `key`, so a reload or a crash loses nothing, and
// warns before the tab is closed while there are unsaved changes.

import React, { memo, useCallback, useEffect, useRef, useState } from "react";
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Panel,
  Position,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import dagre from "@dagrejs/dagre";
import {
  Bell,
  CircleCheck,
  CircleHelp,
  CircleStop,
  ClipboardList,
  Clock,
  Code,
  GitBranch,
  Globe,
  Layers,
  LayoutDashboard,
  Merge,
  Pencil,
  Play,
  Redo2,
  Split,
  TriangleAlert,
  Undo2,
} from "lucide-react";

// The catalogue's icon names (components/*.py); tests/browser/test_editor_model.py keeps
// this table and the catalogue in step.
const ICONS = {
  bell: Bell,
  "circle-check": CircleCheck,
  "circle-help": CircleHelp,
  "circle-stop": CircleStop,
  "clipboard-list": ClipboardList,
  clock: Clock,
  code: Code,
  "git-branch": GitBranch,
  globe: Globe,
  layers: Layers,
  merge: Merge,
  pencil: Pencil,
  play: Play,
  split: Split,
};

// Palette entries anywhere on the page carry data-palette-type; dragging one
// carries that type to the canvas under this MIME type.
const DRAG_TYPE = "application/x-trellis-node";
const NODE_WIDTH = 200;
const NODE_HEIGHT = 56;

const CSS = `
.trellis-canvas { width: 100%; height: 100%; position: relative; }
.trellis-node { width: ${NODE_WIDTH}px; min-height: ${NODE_HEIGHT}px; box-sizing: border-box;
  display: flex; align-items: center; gap: 10px; padding: 8px 12px; border-radius: 10px;
  background: var(--color-panel-solid, #fff); border: 1.5px solid var(--gray-7, #c8ccd2);
  box-shadow: 0 1px 2px rgba(0,0,0,.08); font-family: inherit; }
.trellis-node.selected { border-color: var(--accent-9, #3e63dd); box-shadow: 0 0 0 3px var(--accent-5, #c6d4f9); }
.trellis-node.has-error { border-color: var(--red-9, #e5484d); }
.trellis-node.unknown { border-style: dashed; border-color: var(--red-9, #e5484d); background: var(--red-2, #fff7f7); }
.trellis-node.hl-added { border-color: #30a46c; background: #e9f9ee; box-shadow: 0 0 0 3px #b4e4c6; }
.trellis-node.hl-removed { border-color: #e5484d; background: #ffeff0; box-shadow: 0 0 0 3px #f9c6c6; opacity: .85; }
.trellis-node.hl-changed { border-color: #f5a524; background: #fff7e6; box-shadow: 0 0 0 3px #fbdca0; }
.trellis-node-icon { flex: none; width: 30px; height: 30px; border-radius: 8px; display: flex;
  align-items: center; justify-content: center; color: #fff; background: #8b8d98; }
.cat-flow .trellis-node-icon { background: #3e63dd; }
.cat-human .trellis-node-icon { background: #8e4ec6; }
.cat-logic .trellis-node-icon { background: #f76b15; }
.cat-automation .trellis-node-icon { background: #12a594; }
.cat-integration .trellis-node-icon { background: #0090ff; }
.cat-unknown .trellis-node-icon { background: #e5484d; }
.trellis-node-text { min-width: 0; flex: 1; }
.trellis-node-label { font-size: 13px; font-weight: 600; line-height: 1.25; color: var(--gray-12, #1c2024);
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.trellis-node-type { font-size: 11px; color: var(--gray-10, #80838d); overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.trellis-node-badge { position: absolute; top: -9px; right: -9px; min-width: 20px; height: 20px;
  padding: 0 5px; border-radius: 10px; background: #e5484d; color: #fff; font-size: 11px;
  font-weight: 700; display: flex; align-items: center; justify-content: center; gap: 2px;
  box-shadow: 0 0 0 2px #fff; }
.trellis-port-label { position: absolute; left: calc(100% + 8px); font-size: 10px; line-height: 14px;
  padding: 0 4px; border-radius: 4px; background: var(--gray-3, #f0f0f3); color: var(--gray-11, #60646c);
  transform: translateY(-100%); pointer-events: none; white-space: nowrap; }
.trellis-node .react-flow__handle { width: 10px; height: 10px; background: var(--gray-9, #8b8d98); border: 2px solid #fff; }
.trellis-node .react-flow__handle:hover { background: var(--accent-9, #3e63dd); }
.react-flow__edge.has-error .react-flow__edge-path { stroke: #e5484d; stroke-dasharray: 6 3; }
.react-flow__edge.hl-added .react-flow__edge-path { stroke: #30a46c; stroke-width: 2.5; }
.react-flow__edge.hl-removed .react-flow__edge-path { stroke: #e5484d; stroke-width: 2.5; stroke-dasharray: 6 3; }
.react-flow__edge.hl-changed .react-flow__edge-path { stroke: #f5a524; stroke-width: 2.5; }
.react-flow__edge.selected .react-flow__edge-path { stroke: var(--accent-9, #3e63dd); stroke-width: 2.5; }
.trellis-toolbar { display: flex; gap: 4px; background: var(--color-panel-solid, #fff); padding: 4px;
  border-radius: 8px; border: 1px solid var(--gray-6, #d9d9e0); box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.trellis-toolbar button { display: flex; align-items: center; gap: 4px; border: 0; background: transparent;
  padding: 5px 8px; border-radius: 6px; cursor: pointer; font-size: 12px; color: var(--gray-12, #1c2024); }
.trellis-toolbar button:hover:not(:disabled) { background: var(--gray-4, #e8e8ec); }
.trellis-toolbar button:disabled { opacity: .4; cursor: default; }
`;

const StepNode = memo(function StepNode({ data, selected }) {
  const Icon = ICONS[data.icon] || CircleHelp;
  const outputs = data.outputs || [];
  const errors = data.errors || [];
  const classes = [
    "trellis-node",
    `cat-${data.category}`,
    selected ? "selected" : "",
    errors.length ? "has-error" : "",
    data.unknown ? "unknown" : "",
    data.highlight ? `hl-${data.highlight}` : "",
  ].join(" ");
  return (
    <div className={classes} data-node-id={data.id} data-node-type={data.type}
         data-errors={errors.length} title={errors.join("\n")}>
      {data.inputs > 0 && <Handle type="target" position={Position.Left} id="in" />}
      <div className="trellis-node-icon"><Icon size={17} /></div>
      <div className="trellis-node-text">
        <div className="trellis-node-label">{data.label}</div>
        <div className="trellis-node-type">{data.type_label}</div>
      </div>
      {errors.length > 0 && (
        <div className="trellis-node-badge" data-testid="error-badge">
          <TriangleAlert size={11} />{errors.length}
        </div>
      )}
      {outputs.map((port, index) => {
        const top = `${((index + 1) * 100) / (outputs.length + 1)}%`;
        return (
          <React.Fragment key={port.name}>
            <Handle type="source" position={Position.Right} id={port.name} style={{ top }} />
            {port.label && <span className="trellis-port-label" style={{ top }}>{port.label}</span>}
          </React.Fragment>
        );
      })}
    </div>
  );
});

// Module-level: a new object per render would make React Flow re-mount every node.
const NODE_TYPES = { step: StepNode };

// A node whose drawing did not change keeps its very object: React Flow then keeps
// its measured size and handle positions untouched, even while a connection is
// being dragged from or to it.
function unchanged(old, node, readOnly) {
  return (
    old &&
    old.draggable === !readOnly &&
    old.position.x === node.position.x &&
    old.position.y === node.position.y &&
    JSON.stringify(old.data) === JSON.stringify(node)
  );
}

function toNodes(graph, previous, readOnly) {
  return (graph.nodes || []).map((node) => {
    const old = previous.get(node.id);
    if (unchanged(old, node, readOnly) || (old && old.dragging)) return old;
    return {
      id: node.id,
      type: "step",
      position: node.position,
      data: node,
      selected: Boolean(old && old.selected),
      measured: old ? old.measured : undefined,
      draggable: !readOnly,
      connectable: !readOnly,
      deletable: !readOnly,
    };
  });
}

function toEdges(graph, previous, readOnly) {
  return (graph.edges || []).map((edge) => {
    const old = previous.get(edge.id);
    const classes = [edge.errors.length ? "has-error" : "", edge.highlight ? `hl-${edge.highlight}` : ""];
    return {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      sourceHandle: edge.port || null,
      targetHandle: "in",
      label: edge.errors.length ? `⚠ ${edge.label || edge.errors[0]}` : edge.label || undefined,
      labelStyle: edge.errors.length ? { fill: "#e5484d", fontWeight: 600 } : undefined,
      labelBgPadding: [6, 3],
      labelBgBorderRadius: 4,
      markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
      className: classes.join(" "),
      data: edge,
      selected: Boolean(old && old.selected),
      deletable: !readOnly,
    };
  });
}

// Dagre's layered layout, left to right, with each node's measured size.
function layout(nodes, edges) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) {
    g.setNode(node.id, {
      width: (node.measured && node.measured.width) || NODE_WIDTH,
      height: (node.measured && node.measured.height) || NODE_HEIGHT,
    });
  }
  for (const edge of edges) {
    if (g.hasNode(edge.source) && g.hasNode(edge.target)) g.setEdge(edge.source, edge.target);
  }
  dagre.layout(g);
  const positions = {};
  for (const node of nodes) {
    const placed = g.node(node.id);
    positions[node.id] = {
      x: Math.round(placed.x - placed.width / 2),
      y: Math.round(placed.y - placed.height / 2),
    };
  }
  return positions;
}

function isTyping(target) {
  if (!target || !target.closest) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable=true], [role=dialog]"));
}

const COMMANDS = [
  // [key, shift, command]
  ["z", false, "undo"],
  ["z", true, "redo"],
  ["y", false, "redo"],
  ["c", false, "copy"],
  ["x", false, "cut"],
  ["v", false, "paste"],
];

function Editor({ graph, revision, select, labels, readOnly, draft, onEdit, onSelect, onCommand }) {
  const flow = useReactFlow();
  const [nodes, setNodes] = useState(() => toNodes(graph || {}, new Map(), readOnly));
  const [edges, setEdges] = useState(() => toEdges(graph || {}, new Map(), readOnly));
  const selectSerial = useRef(select ? select.serial : 0);
  const lastSelection = useRef("");
  const text = labels || {};

  useEffect(() => {
    setNodes((previous) => toNodes(graph || {}, new Map(previous.map((n) => [n.id, n])), readOnly));
    setEdges((previous) => toEdges(graph || {}, new Map(previous.map((e) => [e.id, e])), readOnly));
  }, [graph, revision, readOnly]);

  useEffect(() => {
    if (!select || select.serial === selectSerial.current) return;
    selectSerial.current = select.serial;
    const chosen = new Set(select.ids || []);
    setNodes((ns) => ns.map((n) => ({ ...n, selected: chosen.has(n.id) })));
    setEdges((es) => es.map((e) => ({ ...e, selected: chosen.has(e.id) })));
  }, [select]);

  // Unsaved work lives in the browser until it is saved.
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

  // Palette items are plain elements with data-palette-type.
  useEffect(() => {
    const start = (event) => {
      const item = event.target && event.target.closest ? event.target.closest("[data-palette-type]") : null;
      if (!item) return;
      event.dataTransfer.setData(DRAG_TYPE, item.getAttribute("data-palette-type"));
      event.dataTransfer.effectAllowed = "copy";
    };
    document.addEventListener("dragstart", start);
    return () => document.removeEventListener("dragstart", start);
  }, []);

  useEffect(() => {
    if (readOnly) return undefined;
    const press = (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTyping(event.target)) return;
      const key = event.key.toLowerCase();
      const found = COMMANDS.find(([k, shift]) => k === key && shift === event.shiftKey);
      if (!found) return;
      event.preventDefault();
      onCommand && onCommand(found[2]);
    };
    document.addEventListener("keydown", press);
    return () => document.removeEventListener("keydown", press);
  }, [readOnly, onCommand]);

  const onNodesChange = useCallback((changes) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onEdgesChange = useCallback((changes) => setEdges((es) => applyEdgeChanges(changes, es)), []);

  const onSelectionChange = useCallback(({ nodes: chosenNodes, edges: chosenEdges }) => {
    const selection = { nodes: chosenNodes.map((n) => n.id), edges: chosenEdges.map((e) => e.id) };
    const key = JSON.stringify(selection);
    if (key === lastSelection.current) return;
    lastSelection.current = key;
    onSelect && onSelect(selection);
  }, [onSelect]);

  const onNodeDragStop = useCallback((event, node, dragged) => {
    const positions = {};
    for (const n of dragged && dragged.length ? dragged : [node]) {
      positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
    }
    onEdit && onEdit({ op: "move", positions });
  }, [onEdit]);

  const onConnect = useCallback((connection) => {
    onEdit && onEdit({
      op: "connect",
      source: connection.source,
      port: connection.sourceHandle || "",
      target: connection.target,
    });
  }, [onEdit]);

  const onDelete = useCallback(({ nodes: gone, edges: cut }) => {
    onEdit && onEdit({ op: "delete", nodes: gone.map((n) => n.id), edges: cut.map((e) => e.id) });
  }, [onEdit]);

  const onDragOver = useCallback((event) => {
    if (readOnly || !event.dataTransfer.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, [readOnly]);

  const onDrop = useCallback((event) => {
    const type = event.dataTransfer.getData(DRAG_TYPE);
    if (readOnly || !type) return;
    event.preventDefault();
    const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    onEdit && onEdit({ op: "add", type, x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - NODE_HEIGHT / 2) });
  }, [flow, readOnly, onEdit]);

  const autoLayout = useCallback(() => {
    onEdit && onEdit({ op: "move", positions: layout(nodes, edges) });
    window.setTimeout(() => flow.fitView({ padding: 0.2, duration: 300 }), 120);
  }, [nodes, edges, flow, onEdit]);

  return (
    <div className="trellis-canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas"
         data-revision={revision} data-nodes={nodes.length} data-edges={edges.length}>
      <style>{CSS}</style>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onSelectionChange={onSelectionChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onDelete={onDelete}
        isValidConnection={(c) => c.source !== c.target}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
        multiSelectionKeyCode={["Shift", "Control", "Meta"]}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable nodeStrokeWidth={3} />
        {!readOnly && (
          <Panel position="top-left">
            <div className="trellis-toolbar">
              <button type="button" title={text.undo} aria-label={text.undo}
                      onClick={() => onCommand && onCommand("undo")}><Undo2 size={15} /></button>
              <button type="button" title={text.redo} aria-label={text.redo}
                      onClick={() => onCommand && onCommand("redo")}><Redo2 size={15} /></button>
              <button type="button" title={text.layout} aria-label={text.layout} id="auto-layout"
                      onClick={autoLayout}><LayoutDashboard size={15} />{text.layout}</button>
            </div>
          </Panel>
        )}
      </ReactFlow>
    </div>
  );
}

export function TrellisCanvas(props) {
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}
