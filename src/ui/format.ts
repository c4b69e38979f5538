// Sizes, rates and durations in the reader's language. Decimal units (1 kB = 1000 bytes): that is
// what Intl's `kilobyte` means, and what storage consoles and OS file managers mostly show.
const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

function scaled(bytes: number): { value: number; unit: (typeof SIZE_UNITS)[number] } {
  let value = Math.max(0, bytes);
  let index = 0;
  while (value >= 1000 && index < SIZE_UNITS.length - 1) {
    value /= 1000;
    index++;
  }
  return { value, unit: SIZE_UNITS[index]! };
}

// Building an Intl.NumberFormat costs far more than formatting with one, and rows re-render every
// animation frame while uploading: keep one per locale and options.
const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(id);
  if (!format) formats.set(id, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

function digits(value: number, unit: string): number {
  return unit === 'byte' || value >= 100 ? 0 : 1;
}

/** `1.5 MB`, `1,5 MB`, `1,5 Mo`. */
export function formatSize(bytes: number, locale: string): string {
  const { value, unit } = scaled(bytes);
  return numberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: digits(value, unit) }).format(value);
}

/** `1.5 MB/s`. */
export function formatSpeed(bytesPerSecond: number, locale: string): string {
  const { value, unit } = scaled(bytesPerSecond);
  return numberFormat(locale, {
    style: 'unit',
    unit: `${unit}-per-second`,
    unitDisplay: 'short',
    maximumFractionDigits: digits(value, unit),
  }).format(value);
}

/** `45 seconds`, `3 minutes`, `2 hours`: one rounded unit, which is as precise as an estimate deserves. */
export function formatDuration(seconds: number, locale: string): string {
  const whole = Math.max(1, Math.round(seconds));
  const [value, unit] = whole < 60 ? [whole, 'second'] : whole < 3600 ? [Math.round(whole / 60), 'minute'] : [Math.round(whole / 360) / 10, 'hour'];
  return numberFormat(locale, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 }).format(value);
}

/** `50%`, `50 %`. */
export function formatPercent(percent: number, locale: string): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
}

/** `1,000`, `1.000`, `1 000`. */
export function formatCount(count: number, locale: string): string {
  return numberFormat(locale, {}).format(count);
}
