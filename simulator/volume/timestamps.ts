/** Cinder prints times with microseconds and no zone: `2018-11-29T06:50:07.770785`. */
export function cinderNow(): string {
  return new Date().toISOString().replace('Z', '000');
}
