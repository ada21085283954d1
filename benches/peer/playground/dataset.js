// TensorFlow Playground's data sets: the part of src/dataset.ts of tensorflow/playground at
// commit 02469bd (Apache-2.0: see ../LICENSE-playground) that the benchmark uses — the circle
// data set and the shuffle — as the bundle this benchmark used to commit carried it:
// TypeScript's types stripped, the code as it is. The original module imports d3 (v3, for
// generators this part leaves out), so the built bundle carries d3 as the Playground's does.
// Do not edit.
import * as d3 from "d3";

export function shuffle(array) {
  let counter = array.length;
  let temp = 0;
  let index = 0;
  while (counter > 0) {
    index = Math.floor(Math.random() * counter);
    counter--;
    temp = array[counter];
    array[counter] = array[index];
    array[index] = temp;
  }
}
export function classifyCircleData(numSamples, noise) {
  let points = [];
  let radius = 5;
  function getCircleLabel(p, center) {
    return dist(p, center) < radius * 0.5 ? 1 : -1;
  }
  for (let i = 0; i < numSamples / 2; i++) {
    let r = randUniform(0, radius * 0.5);
    let angle = randUniform(0, 2 * Math.PI);
    let x = r * Math.sin(angle);
    let y = r * Math.cos(angle);
    let noiseX = randUniform(-radius, radius) * noise;
    let noiseY = randUniform(-radius, radius) * noise;
    let label = getCircleLabel({ x: x + noiseX, y: y + noiseY }, { x: 0, y: 0 });
    points.push({ x, y, label });
  }
  for (let i = 0; i < numSamples / 2; i++) {
    let r = randUniform(radius * 0.7, radius);
    let angle = randUniform(0, 2 * Math.PI);
    let x = r * Math.sin(angle);
    let y = r * Math.cos(angle);
    let noiseX = randUniform(-radius, radius) * noise;
    let noiseY = randUniform(-radius, radius) * noise;
    let label = getCircleLabel({ x: x + noiseX, y: y + noiseY }, { x: 0, y: 0 });
    points.push({ x, y, label });
  }
  return points;
}
function randUniform(a2, b2) {
  return Math.random() * (b2 - a2) + a2;
}
function dist(a2, b2) {
  let dx = a2.x - b2.x;
  let dy = a2.y - b2.y;
  return Math.sqrt(dx * dx + dy * dy);
}

