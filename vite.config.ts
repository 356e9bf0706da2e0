import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { crossOriginIsolationPlugin } from './src/cli/isolation-plugin.ts';
import { officialMiniwobPlugin } from './src/cli/official-plugin.ts';

/** Flags that make Debian's chromium expose WebGPU on SwiftShader and stay off the network. */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export default defineConfig({
  plugins: [crossOriginIsolationPlugin(), svelte(), officialMiniwobPlugin()],
  server: { port: 5173, strictPort: false },
  build: {
    target: 'es2022',
    rollupOptions: { input: { main: 'index.html', task: 'task.html', harness: 'harness.html' } },
  },
  worker: { format: 'es' },
  // Pre-bundled so the first browser test that loads it does not make Vite reload the page.
  optimizeDeps: { include: ['onnxruntime-web/wasm', '@observablehq/plot', 'dexie', 'zod'] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          // Task tests run whole episodes, some with the official pages' animation delays.
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          // SwiftShader runs WebGPU on the CPU, beside the unit tests: whole-model checks take a while.
          testTimeout: 120_000,
          include: ['test/browser/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                args: CHROMIUM_ARGS,
              },
            }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});
