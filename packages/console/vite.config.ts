import react from "@vitejs/plugin-react";
import { defineConfig, type PluginOption } from "vite";

// The plugin's types come from the workspace root's vite (vitest's), which differs from the vite 7
// this package builds with; at run time the plugin supports both.
const plugins = react() as unknown as PluginOption[];

// Admin serves the build under /console, so every asset URL carries that base.
export default defineConfig({
  base: "/console/",
  plugins,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
