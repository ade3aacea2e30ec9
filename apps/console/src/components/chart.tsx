// Apache ECharts, tree-shaken: only the bar and pie charts, their components and the canvas renderer.
// Charts are an image for screen readers (role="img" with a label); every chart has a table beside it.
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export function Chart({ option, label, testId }: { option: EChartsCoreOption; label: string; testId?: string }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!element.current) return;
    chart.current = echarts.init(element.current, undefined, { renderer: 'canvas' });
    const onResize = () => chart.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  // The option is rebuilt on every render; only a change of content redraws.
  const serialised = JSON.stringify(option);
  useEffect(() => {
    chart.current?.setOption(JSON.parse(serialised) as EChartsCoreOption, true);
  }, [serialised]);
  return <div ref={element} role="img" aria-label={label} data-testid={testId} data-option={serialised} className="chart" />;
}
