// Draws the app's icons (public/icons/*.png): a slide-blue square with
// a white report sheet and a check mark. Run once when the design changes: node scripts/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { createCanvas } from '@napi-rs/canvas';

function draw(size, { maskable }) {
  const canvas = createCanvas(size, size);
  const g = canvas.getContext('2d');
  const s = size / 512;
  g.fillStyle = '#1f4e79';
  if (maskable) g.fillRect(0, 0, size, size);
  else {
    g.beginPath();
    g.roundRect(0, 0, size, size, 96 * s);
    g.fill();
  }
  // Maskable icons keep their content inside the central 80 % safe zone.
  const inset = maskable ? 0.1 : 0;
  g.translate(size * inset, size * inset);
  g.scale(1 - 2 * inset, 1 - 2 * inset);
  g.fillStyle = '#ffffff';
  g.beginPath();
  g.roundRect(136 * s, 88 * s, 240 * s, 320 * s, 20 * s);
  g.fill();
  g.fillStyle = '#9db8d3';
  for (const y of [150, 200, 250]) g.fillRect(170 * s, y * s, 172 * s, 18 * s);
  g.strokeStyle = '#1e7145';
  g.lineWidth = 34 * s;
  g.lineCap = 'round';
  g.lineJoin = 'round';
  g.beginPath();
  g.moveTo(190 * s, 330 * s);
  g.lineTo(236 * s, 372 * s);
  g.lineTo(322 * s, 290 * s);
  g.stroke();
  return canvas.toBuffer('image/png');
}

for (const [name, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['icon-maskable-512.png', 512, true]]) {
  writeFileSync(new URL(`../public/icons/${name}`, import.meta.url), draw(size, { maskable }));
}
