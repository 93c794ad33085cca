// A thin ECharts wrapper: one chart instance per element, options replaced on change, resized with the page.
import * as echarts from 'echarts';
import { useEffect, useRef } from 'react';

export function Chart({
  option,
  height = 260,
  label,
}: {
  option: echarts.EChartsOption;
  height?: number;
  label: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    chart.current = echarts.init(el.current!);
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={el} role="img" aria-label={label} style={{ width: '100%', height }} />;
}

/** A time series of [unix seconds, value] points as a line chart. */
export function seriesOption(name: string, unit: string, points: Array<[number, number]>): echarts.EChartsOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 50, right: 20, top: 30, bottom: 30 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: unit },
    series: [{ name, type: 'line', showSymbol: false, data: points.map(([s, v]) => [s * 1000, v]) }],
  };
}
