// Chart option for a pool: guarantee vs borrowed vs used per institution (tokens per minute).
import type { EChartsCoreOption } from 'echarts/core';

export interface PoolBar {
  institution: string;
  guaranteed: number;
  borrowed: number;
  used: number;
}

export function poolChartOption(bars: readonly PoolBar[], labels: { guaranteed: string; borrowed: string; used: string }): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 80, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: bars.map((b) => b.institution) },
    yAxis: { type: 'value' },
    series: [
      { name: labels.guaranteed, type: 'bar', data: bars.map((b) => b.guaranteed) },
      { name: labels.borrowed, type: 'bar', data: bars.map((b) => b.borrowed) },
      { name: labels.used, type: 'bar', data: bars.map((b) => b.used) },
    ],
  };
}
