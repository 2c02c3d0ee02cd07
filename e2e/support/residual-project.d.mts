export interface GeneratedProject {
  format: 'netwright-project';
  version: 1;
  name: string;
  graph: {
    nodes: { id: string; type: string; position: { x: number; y: number }; params: Record<string, unknown> }[];
    edges: { id: string; source: string; target: string; targetPort: string }[];
  };
  training: Record<string, unknown>;
}

export function residualProject(n: number, options: { name: string; perRow: number; units: number; pad: boolean }): GeneratedProject;
