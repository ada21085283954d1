// Guided presets: each lesson is one link (a scenario in the URL, played on load) and a few
// sentences. Formulas follow the core's definitions (PyTorch's update rules).

const $ = (id) => document.getElementById(id);

/** The lessons, in teaching order. */
export const LESSONS = [
  {
    id: 'batching',
    title: 'Batch, stochastic and mini-batch gradient descent',
    query: 'f=linreg&n=100&noise=0.3&o=sgd(lr=0.1)~sgd(lr=0.1,batch=1)~sgd(lr=0.1,batch=10)&seed=1&steps=400&axis=samples',
    text: 'All three fit the same line with the same learning rate. Batch gradient descent (red) follows the exact gradient of the mean squared error, but every step reads all 50 training points. SGD (white) reads one point per step: its path is noisy, yet per point read it is far ahead. Mini-batches of 10 (orange) sit in between. The loss chart is drawn against samples seen, the fair axis for this race; switch it to iterations to see BGD win per step instead.',
  },
  {
    id: 'momentum',
    title: 'Why momentum helps on an ill-conditioned quadratic',
    query: 'f=quadratic&kappa=50&angle=0.5&o=sgd(lr=0.0392)~sgd(lr=0.0614,momentum=0.566)&start=3,2&steps=300',
    text: 'With curvatures μ = 1 and L = 50 (condition number κ = 50), the best fixed learning rate 2/(μ+L) still shrinks the error only by (κ−1)/(κ+1) ≈ 0.96 per step. Heavy-ball momentum with lr = (2/(√L+√μ))² and β = ((√κ−1)/(√κ+1))² contracts by (√κ−1)/(√κ+1) ≈ 0.75 per step (Goh, “Why Momentum Really Works”). The panel under the controls compares these predicted rates with the measured ones.',
  },
  {
    id: 'learning-rate',
    title: 'Learning rate: too small, about right, too large',
    query: 'f=quadratic&kappa=10&angle=0.3&o=sgd(lr=0.01)~sgd(lr=0.18)~sgd(lr=0.3)&start=3,2&steps=800',
    text: 'On a quadratic with largest curvature L = 10, gradient descent converges exactly when lr < 2/L = 0.2. At 0.01 it crawls; at 0.18 it zig-zags across the valley but converges; at 0.3 each step lands twice as far on the other side (|1 − 0.3·10| = 2), until the numbers overflow and the lab stops the run and marks the step where it diverged.',
  },
  {
    id: 'adam-rosenbrock',
    title: 'Adam versus SGD on Rosenbrock’s valley',
    query: 'f=rosenbrock&o=sgd(lr=0.001)~sgd(lr=0.001,momentum=0.9)~adam(lr=0.05)&start=-1.5,2&steps=3000',
    text: 'The valley floor of (1−x)² + 100(y−x²)² is curved and almost flat, while its walls are steep. Plain SGD must use a small learning rate to survive the walls, so it creeps along the floor. Momentum accumulates speed along the floor. Adam divides each coordinate’s step by a running root-mean-square of its gradients, so its steps have roughly the size lr whatever the scale of the gradient.',
  },
  {
    id: 'saddle',
    title: 'Escaping a saddle',
    query: 'f=saddle&o=sgd(lr=0.05)~adam(lr=0.05)~newton(lr=1)&start=1,0.001&steps=80',
    text: 'On x² − y², starting almost on the ridge y = 0, the gradient in y is tiny (−2y), so gradient descent leaves the saddle only as (1 + 2·lr)ᵏ grows. Adam rescales the tiny gradient and escapes at once. Newton’s method jumps straight onto the saddle point in one step and stays: it finds stationary points, not minima.',
  },
  {
    id: 'noise-rastrigin',
    title: 'Noise can help on a rugged landscape',
    query: 'f=rastrigin&o=sgd(lr=0.002)~sgd(lr=0.002,batch=1)&batch=1000000&sigma=150&sched=cosine(t_max=3000)&start=2.3,-1.7&seed=3&steps=3000',
    text: 'Rastrigin’s bowl is covered in local minima. Both runs use the same learning rate, annealed by a cosine schedule. The red run gets the gradient-noise model at σ/√B with a huge B — almost exact gradients — and settles in the nearest pit. The white run (B = 1) gets noise of standard deviation σ that shakes it out of shallow pits early on; as the learning rate anneals it settles, here in a lower basin. Noise explores: with other seeds it can also end higher.',
  },
  {
    id: 'batch-lr-spiral',
    title: 'Batch size and learning rate on the spiral',
    query: 'f=mlp&data=spiral&n=300&noise=0.05&layers=8,8&o=sgd(lr=0.1,momentum=0.9,batch=10)~sgd(lr=0.1,momentum=0.9,batch=100)~sgd(lr=1,momentum=0.9,batch=100)&batch=10&seed=2&steps=4000&axis=epochs',
    text: 'Three copies of one network start from the same weights. With batches of 100 instead of 10, each epoch has ten times fewer updates, so at the same learning rate it learns more slowly per epoch. Scaling the learning rate with the batch size (the linear scaling rule) restores much of the speed — up to the point where the larger step becomes unstable.',
  },
  {
    id: 'vanishing-gradients',
    title: 'Vanishing gradients in a deep sigmoid network',
    query: 'f=mlp&data=circle&layers=8,8,8,8,8,8&act=sigmoid&o=sgd(lr=0.1)&batch=10&seed=1&steps=3000',
    text: 'Backpropagation multiplies, layer by layer, by the activation’s slope, and the sigmoid’s slope is at most 1/4. Through six sigmoid layers the first layer’s gradient comes out orders of magnitude smaller than the last’s — see “Gradient norm per layer” (log scale, first layer darkest) — so the early layers barely learn and the boundary hardly moves. Switch Activation to tanh or ReLU and compare, or give only some layers ReLU with the selects beside each layer and watch which gradients recover.',
  },
  {
    id: 'zero-init',
    title: 'Why weights cannot all start at zero',
    query: 'f=mlp&data=xor&layers=8&init=zeros&o=sgd(lr=0.3,momentum=0.9)&batch=10&seed=1&steps=2000',
    text: 'Every weight starts at zero, so every hidden unit computes the same function and receives the same update: the symmetry is never broken. With tanh it is worse — tanh(0) = 0, so the gradients reaching the weights are exactly zero and only the output bias learns: the loss stalls at the class balance and the boundary never bends. Set Initialisation to Xavier and the network learns XOR.',
  },
];

/** Lists the lessons as links and, when `current` names one, shows its text beside the demo. */
export function setUpLessons({ current, embed }) {
  const list = $('lesson-list');
  for (const lesson of LESSONS) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `?${lesson.query}&lesson=${lesson.id}&play=1${embed ? '&embed=1' : ''}`;
    link.textContent = lesson.title;
    item.append(link);
    list.append(item);
  }
  const lesson = LESSONS.find((l) => l.id === current);
  if (!lesson) return;
  $('lesson-title').textContent = lesson.title;
  $('lesson-text').textContent = lesson.text;
  $('lesson').hidden = false;
}
