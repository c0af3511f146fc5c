// A small machine-learning pipeline that runs offline on data it makes itself: a seeded generator
// draws 2-D points around a noisy linear boundary, the points are normalized and split, a tiny
// logistic regression is trained once per hyperparameter setting (a map), the best model is picked,
// and a branch either writes a report or says more data is needed.
//
//   npx skein run examples/ml-pipeline.ts training                  → a report of the best model
//   npx skein run examples/ml-pipeline.ts training --help           → the inputs and their defaults
//   npx skein run examples/ml-pipeline.ts training --seed 8 --samples 1000 --threshold 0.9
//   npx skein run examples/ml-pipeline.ts training \
//     --grid '[{"learning_rate":0.5,"epochs":300}]'
//
// load_data, preprocess and train are cached (`cache: { version: "1" }`). Run the same command
// twice: the second run prints "cache hit" for load_data, preprocess and every train/N item, and
// their functions do not run again (no "[load_data] generated ..." or "[train/0] lr=..." lines);
// only the cheap, uncached pick_best and report run. The cache lives in .skein/ (or --data-dir DIR).
//   - Another value of an input a cached task reads (--seed 8, --samples 500) misses from there on.
//   - --threshold is read only by the branch: every cached step still hits.
//   - A new cache version (edit train's `version: "1"` to "2") re-runs only train, all its items,
//     and what follows; load_data and preprocess still hit. Both versions' entries stay on disk.
//   - --overwrite-cache runs every cached task again and replaces its entries.
// Editing a task's code alone does NOT invalidate its cache: bump its version when results change.
import { map, t, task, when, workflow } from "@skein/sdk";

// ---- types -------------------------------------------------------------------------------------

/** Labelled points, one column per feature. */
const Points = t.struct(
  {
    x1: t.list(t.float()),
    x2: t.list(t.float()),
    label: t.list(t.int()).describe("1 above the boundary, 0 below"),
  },
  { title: "Points" },
);

/** Normalized train and test points, with the statistics used to normalize them. */
const Split = t.struct(
  {
    train: Points,
    test: Points,
    mean: t.list(t.float()),
    std: t.list(t.float()),
  },
  { title: "Split" },
);

const Hyperparameters = t.struct({ learning_rate: t.float(), epochs: t.int() }, { title: "Hyperparameters" });

const Metrics = t.struct(
  {
    learning_rate: t.float(),
    epochs: t.int(),
    accuracy: t.float().describe("share of test points classified correctly"),
    loss: t.float().describe("mean log-loss on the training points"),
    weights: t.list(t.float()).describe("w1, w2, bias (normalized features)"),
  },
  { title: "Metrics" },
);

type PointsValue = ReturnType<typeof Points.parse>;
type MetricsValue = ReturnType<typeof Metrics.parse>;

// ---- helpers -----------------------------------------------------------------------------------

/** mulberry32: a small, fast, deterministic generator of floats in [0, 1). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box-Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function take(points: PointsValue, indices: readonly number[]): PointsValue {
  return {
    x1: indices.map((i) => points.x1[i] ?? 0),
    x2: indices.map((i) => points.x2[i] ?? 0),
    label: indices.map((i) => points.label[i] ?? 0),
  };
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

// ---- tasks -------------------------------------------------------------------------------------

export const load_data = task(
  {
    name: "load_data",
    description: "Generates labelled 2-D points around a noisy linear boundary.",
    inputs: { seed: t.int(), samples: t.int().min(10) },
    outputs: Points,
    cache: { version: "1" },
  },
  ({ seed, samples }, ctx) => {
    const random = generator(seed);
    const points: PointsValue = { x1: [], x2: [], label: [] };
    // Features on very different scales (so normalizing matters); the true boundary is
    // 0.04·x1 − 1.5·x2 − 1 = 0, blurred by noise so no model is perfect.
    for (let i = 0; i < samples; i++) {
      const x1 = random() * 100;
      const x2 = random() * 4 - 2;
      const score = 0.04 * x1 - 1.5 * x2 - 1 + 0.5 * gaussian(random);
      points.x1.push(x1);
      points.x2.push(x2);
      points.label.push(score > 0 ? 1 : 0);
    }
    ctx.log(`generated ${samples} points (seed ${seed})`);
    return points;
  },
);

export const preprocess = task(
  {
    name: "preprocess",
    description: "Normalizes each feature to mean 0 and deviation 1, then splits 75% train, 25% test.",
    inputs: { points: Points, seed: t.int() },
    outputs: Split,
    cache: { version: "1" },
  },
  ({ points, seed }, ctx) => {
    const n = points.label.length;
    const stats = [points.x1, points.x2].map((column) => {
      const mean = column.reduce((a, b) => a + b, 0) / n;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
      return { mean, std: Math.sqrt(variance) || 1 };
    });
    const [s1 = { mean: 0, std: 1 }, s2 = { mean: 0, std: 1 }] = stats;
    const normalized: PointsValue = {
      x1: points.x1.map((x) => (x - s1.mean) / s1.std),
      x2: points.x2.map((x) => (x - s2.mean) / s2.std),
      label: points.label,
    };
    // A seeded shuffle (Fisher-Yates), so the split is the same on every run.
    const order = Array.from({ length: n }, (_, i) => i);
    const random = generator(seed ^ 0x5eed);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] ?? j, order[i] ?? i];
    }
    const cut = Math.floor(n * 0.75);
    ctx.log(`split ${n} points into ${cut} train and ${n - cut} test`);
    return { train: take(normalized, order.slice(0, cut)), test: take(normalized, order.slice(cut)), mean: [s1.mean, s2.mean], std: [s1.std, s2.std] };
  },
);

export const train = task(
  {
    name: "train",
    description: "Trains a logistic regression by full-batch gradient descent and scores it on the test points.",
    inputs: { data: Split, params: Hyperparameters },
    outputs: Metrics,
    cache: { version: "1" },
  },
  ({ data, params }, ctx) => {
    const { x1, x2, label } = data.train;
    const n = label.length;
    let w1 = 0;
    let w2 = 0;
    let bias = 0;
    let loss = 0;
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      let g1 = 0;
      let g2 = 0;
      let gb = 0;
      loss = 0;
      for (let i = 0; i < n; i++) {
        const y = label[i] ?? 0;
        const p = sigmoid(w1 * (x1[i] ?? 0) + w2 * (x2[i] ?? 0) + bias);
        g1 += (p - y) * (x1[i] ?? 0);
        g2 += (p - y) * (x2[i] ?? 0);
        gb += p - y;
        loss -= y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12);
      }
      w1 -= (params.learning_rate * g1) / n;
      w2 -= (params.learning_rate * g2) / n;
      bias -= (params.learning_rate * gb) / n;
      loss /= n;
    }
    const test = data.test;
    let correct = 0;
    for (let i = 0; i < test.label.length; i++) {
      const predicted = w1 * (test.x1[i] ?? 0) + w2 * (test.x2[i] ?? 0) + bias > 0 ? 1 : 0;
      if (predicted === test.label[i]) correct++;
    }
    const accuracy = correct / Math.max(1, test.label.length);
    ctx.log(`lr=${params.learning_rate} epochs=${params.epochs}: accuracy ${accuracy.toFixed(3)}, loss ${loss.toFixed(3)}`);
    return { ...params, accuracy: round(accuracy), loss: round(loss), weights: [w1, w2, bias].map((w) => round(w)) };
  },
);

export const pick_best = task(
  {
    name: "pick_best",
    description: "The model with the highest test accuracy (ties: the lowest loss).",
    inputs: { results: t.list(Metrics).min(1) },
    outputs: Metrics,
  },
  ({ results }, ctx) => {
    const [first, ...rest] = results as [MetricsValue, ...MetricsValue[]];
    const best = rest.reduce((a, b) => (b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.loss < a.loss) ? b : a), first);
    ctx.log(`best of ${results.length}: lr=${best.learning_rate} epochs=${best.epochs}`);
    return best;
  },
);

export const report = task(
  {
    name: "report",
    description: "A one-paragraph summary of the chosen model.",
    inputs: { best: Metrics, samples: t.int(), seed: t.int() },
    outputs: t.string(),
  },
  ({ best, samples, seed }, ctx) => {
    ctx.log("writing the report");
    const [w1, w2, bias] = best.weights;
    return [
      `Best model on ${samples} points (seed ${seed}): learning rate ${best.learning_rate}, ${best.epochs} epochs.`,
      `Test accuracy ${(best.accuracy * 100).toFixed(1)}%, training loss ${best.loss.toFixed(4)}.`,
      `Boundary (normalized features): ${w1}·x1 + ${w2}·x2 + ${bias} = 0.`,
    ].join("\n");
  },
);

export const needs_more_data = task(
  {
    name: "needs_more_data",
    description: "Explains that no model reached the accuracy threshold.",
    inputs: { best: Metrics, threshold: t.float(), samples: t.int() },
    outputs: t.string(),
  },
  ({ best, threshold, samples }, ctx) => {
    ctx.log("no model reached the threshold");
    return `No model reached ${(threshold * 100).toFixed(1)}% accuracy (best: ${(best.accuracy * 100).toFixed(1)}% with learning rate ${best.learning_rate}, ${best.epochs} epochs). Collect more than ${samples} samples or widen the grid.`;
  },
);

// ---- workflow ----------------------------------------------------------------------------------

const defaultGrid = [
  { learning_rate: 0.01, epochs: 50 },
  { learning_rate: 0.1, epochs: 50 },
  { learning_rate: 0.1, epochs: 300 },
  { learning_rate: 1, epochs: 300 },
];

export const training = workflow(
  {
    name: "training",
    description: "Generates data, trains one model per grid entry, and reports the best if it is good enough.",
    inputs: {
      seed: t.int().default(7).describe("seed of the data generator"),
      samples: t.int().default(400).describe("how many points to generate (at least 10)"),
      threshold: t.float().default(0.8).describe("least test accuracy to accept"),
      grid: t.list(Hyperparameters).default(defaultGrid).describe("hyperparameters to try, as JSON"),
    },
    outputs: { summary: t.string() },
  },
  ({ seed, samples, threshold, grid }) => {
    // Node ids name the steps, so progress lines read `train/2`, `decide/report`.
    const points = load_data({ seed, samples }).named("load_data");
    const split = preprocess({ points, seed }).named("preprocess");
    const results = map(train, { bound: ["data"] })({ data: split, params: grid }).named("train");
    const best = pick_best({ results }).named("pick_best");
    const summary = when(best.get("accuracy").gte(threshold))
      .then(() => report({ best, samples, seed }).named("report"))
      .else(() => needs_more_data({ best, threshold, samples }).named("needs_more_data"))
      .named("decide");
    return { summary };
  },
);
