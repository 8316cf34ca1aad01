// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
// Grafana's uPlot charts measure text on a canvas and watch their size: jsdom has neither.
import 'jest-canvas-mock';
global.ResizeObserver =
  global.ResizeObserver ??
  class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
