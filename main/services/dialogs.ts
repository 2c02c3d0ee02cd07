/** Native file dialogs (Electron mode). Each resolves to a path, or null when cancelled. */
export interface Dialogs {
  open(title: string, defaultPath?: string): Promise<string | null>;
  save(title: string, defaultPath?: string): Promise<string | null>;
  folder(title: string, defaultPath?: string): Promise<string | null>;
}
