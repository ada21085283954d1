// Guided presets: each lesson is one link (a scenario in the URL, played on open) and a few
// sentences, every one of them true of the numbers the page shows when the run ends (the
// end-to-end tests check each one). Racers are named as the legend names them, with the colour
// their path and loss curve are drawn in. Where racers read data, they race to the same budget
// (`stop_epochs`), so the comparison is fair.
import { $ } from './dom.js';

/**
 * The lessons, in teaching order. `shows` names what the text talks about beyond the canvas, for
 * an embedded lesson to show too: `chart`, `legend`, `theory`, `readout`, `norms`.
 */
export const LESSONS = [
  {
    id: 'batching',
    title: 'Batch, stochastic and mini-batch gradient descent',
    query: 'f=linreg&n=100&noise=0.1&o=sgd(lr=0.03)~sgd(lr=0.03,batch=1)~sgd(lr=0.03,batch=10)&seed=1&steps=1200&stop_epochs=20&axis=samples&speed=200',
    shows: ['chart', 'legend'],
    text: 'All three fit the same line with the same learning rate, 0.03, and each stops after 20 epochs: 1000 training points read. Batch gradient descent, B = 50 (red), follows the exact gradient of the mean squared error, but every step reads all 50 training points (the other 50 of the 100 are held out to test the fit), so it gets only 20 steps and ends at loss 0.068. SGD, B = 1 (white), reads one point per step: its path is noisy, yet per point read it is far ahead, at loss 0.0083 after 1000 steps. Mini-batches of 10 (orange) sit in between: 100 steps, loss 0.011. The loss chart is drawn against samples seen, the fair axis for this race. Switch it to iterations: per step the three make about the same progress, so the exact gradient buys little per step and costs 50 times the reading.',
  },
  {
    id: 'momentum',
    title: 'Why momentum helps on an ill-conditioned quadratic',
    query: 'f=quadratic&kappa=50&angle=0.5&o=sgd(lr=0.0392)~sgd(lr=0.0614,momentum=0.566)&start=3,2&steps=300&speed=100',
    shows: ['legend', 'theory'],
    text: 'With curvatures μ = 1 and L = 50 (condition number κ = 50), the best fixed learning rate 2/(μ+L) still shrinks the error only by (κ−1)/(κ+1) ≈ 0.96 per step (SGD, red). Heavy-ball momentum with lr = (2/(√L+√μ))² and β = ((√κ−1)/(√κ+1))² contracts by (√κ−1)/(√κ+1) ≈ 0.75 per step (white; Goh, “Why Momentum Really Works”). The theory panel under “Teaching views” compares these predicted rates with the ones measured on the run.',
  },
  {
    id: 'learning-rate',
    title: 'Learning rate: too small, about right, too large',
    query: 'f=quadratic&kappa=10&angle=0.3&o=sgd(lr=0.01)~sgd(lr=0.18)~sgd(lr=0.3)&start=3,2&steps=800&speed=200',
    shows: ['legend', 'chart'],
    text: 'On a quadratic with largest curvature L = 10, gradient descent converges exactly when lr < 2/L = 0.2. At 0.01 (red) it crawls; at 0.18 (white) it zig-zags across the valley but converges; at 0.3 (orange) each step lands twice as far on the other side (|1 − 0.3·10| = 2), until the numbers overflow and the lab stops the run and marks the step where it diverged.',
  },
  {
    id: 'adam-rosenbrock',
    title: 'Adam versus SGD on Rosenbrock’s valley',
    query: 'f=rosenbrock&o=sgd(lr=0.001)~sgd(lr=0.001,momentum=0.9)~adam(lr=0.05)&start=-1.5,2&steps=3000',
    shows: ['legend', 'chart'],
    text: 'The valley floor of (1−x)² + 100(y−x²)² is curved and almost flat, while its walls are steep: at (−1, 1) the curvature is about 0.4 along the floor and 1000 across it. Plain SGD (red) must use a small learning rate to survive the walls (from this start lr = 0.0022 already diverges), so at lr = 0.001 it creeps along the floor and after 3000 steps is still short of the minimum (1, 1), at loss 0.049. Momentum (white) accumulates speed along the floor and gets below 10⁻⁶. Adam (orange) divides each coordinate’s step by a running root-mean-square of its gradients, so its step does not grow with the gradient: its first step moves each coordinate by lr = 0.05 although the gradients there are 155 and 50. It also gets below 10⁻⁶.',
  },
  {
    id: 'saddle',
    title: 'Escaping a saddle',
    query: 'f=saddle&o=sgd(lr=0.05)~adam(lr=0.05)~newton(lr=1)&start=1,0.001&steps=80&speed=20',
    shows: ['legend'],
    text: 'On x² − y², starting almost on the ridge y = 0, the gradient in y is tiny (−2y), so gradient descent (red) leaves the saddle only as (1 + 2·lr)ᵏ grows. Adam (white) rescales the tiny gradient and escapes at once. Newton’s method (orange) jumps straight onto the saddle point in one step and stays: it finds stationary points, not minima.',
  },
  {
    id: 'noise-rastrigin',
    title: 'Noise can help on a rugged landscape',
    query: 'f=rastrigin&o=sgd(lr=0.002)~sgd(lr=0.002,batch=1)&batch=1000000&sigma=150&sched=cosine(t_max=3000)&start=2.3,-1.7&seed=3&steps=3000',
    shows: ['legend'],
    text: 'Rastrigin’s bowl is covered in local minima. Both runs use the same learning rate, annealed by a cosine schedule. The red run gets the gradient-noise model at σ/√B with a huge B — almost exact gradients — and settles in the nearest pit. The white run (B = 1) gets noise of standard deviation σ that shakes it out of shallow pits early on; as the learning rate anneals it settles, here in a lower basin. Noise explores; it does not promise a lower pit: with seeds 0 to 9 the white run ends lower than the red in 3 and higher in 7.',
  },
  {
    id: 'batch-lr-spiral',
    title: 'Batch size and learning rate on the spiral',
    query: 'f=mlp&data=spiral&n=400&noise=0.05&layers=8,8&act=relu&o=sgd(lr=0.05,momentum=0.9,batch=10)~sgd(lr=0.05,momentum=0.9,batch=100)~sgd(lr=0.5,momentum=0.9,batch=100)&batch=10&seed=9&steps=1600&stop_epochs=75&axis=epochs',
    shows: ['legend', 'chart', 'readout'],
    text: 'Three copies of one network start from the same weights, and each stops after 75 epochs: 75 passes over the 200 training points. With batches of 100 instead of 10 an epoch has 2 updates instead of 20, ten times fewer, so at the same learning rate it learns much more slowly per epoch: B = 100 at lr 0.05 (white) ends at a training loss near 0.65, B = 10 (red) near 0.21. Scaling the learning rate with the batch size (the linear scaling rule: ten times the batch, ten times the learning rate) restores most of the speed: B = 100 at lr 0.5 (orange) ends near 0.24. Only up to a point: give the orange racer lr = 3 and its steps are too large for the network to learn.',
  },
  {
    id: 'softmax-spiral',
    title: 'Three spiral arms: softmax, and why a linear model cannot separate them',
    query: 'f=mlp&data=spiral&classes=3&n=600&loss=ce&layers=8,8&o=adam(lr=0.02)&batch=10&seed=1&steps=4000',
    shows: ['readout'],
    text: 'Three spiral arms, one class each (0 red, 1 blue, 2 green), and a network with three outputs, one per class. The softmax turns the outputs z₀, z₁, z₂ into probabilities p_c = e^(z_c) / (e^(z₀) + e^(z₁) + e^(z₂)), which sum to 1; the loss is the cross-entropy −log p of the true class. The map colours each place by its most probable class, paler where that probability is lower and white where all three are 1/3; hover the plane to read the class and its probability. With two hidden layers of 8 tanh units the network bends its regions along the arms: after 4000 steps (133 epochs over the 300 training points) its test accuracy is about 85%, and the 3×3 confusion matrix shows which arms it still confuses. Now press Remove layer twice. With no hidden layer each output is a straight-line function of (x₁, x₂), so the region where one class’s output is the largest is convex — a wedge cut out by straight lines. Every arm winds more than a full turn around the centre, through every wedge, so no three convex regions can hold the three arms: the linear model’s test accuracy stays near 29%, no better than guessing one class in three, and its loss near log 3 ≈ 1.1.',
  },
  {
    id: 'vanishing-gradients',
    title: 'Vanishing gradients in a deep sigmoid network',
    query: 'f=mlp&data=circle&layers=8,8,8,8,8,8&act=sigmoid&o=sgd(lr=0.1)&batch=10&seed=1&steps=3000',
    shows: ['norms', 'readout'],
    text: 'Backpropagation multiplies, layer by layer, by the activation’s slope, and the sigmoid’s slope is at most 1/4. Through six sigmoid layers the first layer’s gradient comes out orders of magnitude smaller than the last’s — see “Gradient norm per layer” (log scale, first layer darkest) — so the early layers barely learn and the boundary hardly moves. Switch Activation to tanh or ReLU and compare, or give only some layers ReLU with the selects beside each layer and watch which gradients recover.',
  },
  {
    id: 'zero-init',
    title: 'Why weights cannot all start at zero',
    query: 'f=mlp&data=xor&layers=8&init=zeros&o=sgd(lr=0.3,momentum=0.9)&batch=10&seed=1&steps=2000',
    shows: ['readout'],
    text: 'Every weight starts at zero, so every hidden unit computes the same function and receives the same update: the symmetry is never broken. With tanh it is worse — tanh(0) = 0, so the gradients reaching the weights are exactly zero and only the output bias learns: the loss stalls at the class balance and the boundary never bends. Set Initialisation to Xavier and the network learns XOR.',
  },
  {
    id: 'newton-linreg',
    title: 'Newton’s method solves linear regression in one step',
    query: 'f=linreg&n=100&noise=0.3&o=newton(lr=1)~sgd(lr=0.5)&start=0.8,1.2&steps=60&stop_grad=1e-9&speed=20',
    shows: ['legend', 'chart'],
    text: 'Linear regression’s loss is a quadratic in (w, b), so its curvature — the Hessian 2XᵀX/n — is the same everywhere. Newton’s method (red) divides the gradient by this exact curvature, so one full-batch step with lr = 1 lands on the least-squares line, the marked minimum, from any start: the loss falls from 2.0 to its minimum 0.0744 at step 1 and the run stops there. Gradient descent with lr = 0.5 (white) follows the gradient alone and needs 58 steps to get its gradient below 10⁻⁹.',
  },
  {
    id: 'l1-vs-l2',
    title: 'L1 versus L2: zeros or small weights',
    query: 'f=mlp&data=gaussians&layers=8,8&l1=0.01&o=sgd(lr=0.1)&batch=10&seed=1&steps=3000',
    shows: ['readout'],
    text: 'Two Gaussian blobs need almost none of this network’s 88 weights. L1 = 0.01 adds 0.01·Σ|w| to the loss; its gradient 0.01·sign(w) pulls every weight towards zero by the same amount, whatever its size, so the weights the data do not need reach zero and stay there: 76 of the 88 end near zero (|w| < 0.01), drawn faint in the network diagram. Now set L1 to 0 and L2 to 0.01, which adds (0.01/2)·Σw²: its pull 0.01·w fades as a weight shrinks, so L2 makes every weight smaller but drives almost none to zero — 3 of the 88.',
  },
  {
    id: 'early-stopping',
    title: 'Early stopping on the test loss',
    query: 'f=mlp&data=moons&n=40&noise=0.3&dseed=1&layers=16,16&act=relu&o=sgd(lr=0.1,momentum=0.9)&batch=5&seed=1&steps=500&stop_patience=20&axis=epochs',
    shows: ['chart', 'readout'],
    text: 'A network of 337 parameters learns 20 noisy points (the other 20 are held out to test it). It soon fits the noise: the training loss keeps falling while the test loss (the faint curve) turns up. Early stopping measures the test loss at the end of every epoch and stops once it has not improved for 20 epochs, putting back the best epoch’s weights: the run stops at epoch 31, best test loss at epoch 11, 0.331 (the chart marks both). Clear “Early stopping patience” and train to the end: 125 epochs bring the training loss to 0.001 and the test loss up to 0.77.',
  },
  {
    id: 'gradient-check',
    title: 'Checking backpropagation with finite differences',
    query: 'f=mlp&data=circle&layers=8,8&o=sgd(lr=0.1,momentum=0.9)&batch=10&seed=1&steps=100',
    shows: ['readout'],
    text: 'Backpropagation computes all 105 partial derivatives by the chain rule in one backward pass. To check it, nudge one weight by ±h and difference the loss: (L(θ + h) − L(θ − h))/2h, whose error shrinks like h². Press “Check gradients” under Teaching views: with h = 1e-5 every layer agrees, the largest relative error below 1e-8. Finite differences have their own limits. With h = 1e-3 the h² error shows, about 1e-5 (“close”). With h = 1e-12 the loss’s rounding error, about 1e-16, divided by 2h swamps the difference and the check fails (“disagree”) although backpropagation is right.',
  },
];

/** The lesson with this id, if there is one. */
export function lessonById(id) {
  return LESSONS.find((lesson) => lesson.id === id) ?? null;
}

/**
 * Lists the lessons as links (each also a URL of its own) that `open(lesson)` applies in place,
 * and gives the lesson box its close button, which calls `close()`.
 */
export function setUpLessons({ open, close, embed }) {
  const list = $('lesson-list');
  for (const lesson of LESSONS) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `?${lesson.query}&lesson=${lesson.id}&play=1${embed ? '&embed=1' : ''}`;
    link.textContent = lesson.title;
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      $('lessons').open = false;
      open(lesson);
      // Focus moves to the lesson that opened, so a keyboard or screen-reader user reads it next
      // (and Space plays it) instead of starting again from the top of the page.
      if (!$('lesson').hidden) $('lesson').focus();
    });
    item.append(link);
    list.append(item);
  }
  $('lesson-close').addEventListener('click', close);
}

/** Shows `lesson`'s title and text beside the demo, or hides the box for `null`. */
export function showLesson(lesson) {
  $('lesson').hidden = !lesson;
  if (!lesson) return;
  $('lesson-title').textContent = lesson.title;
  $('lesson-text').textContent = lesson.text;
}

/**
 * The digits lab's lessons, opened from its own panel: each a scenario for the digits lab and a
 * few sentences true of the numbers its views show when the run ends (tests/e2e/digits.test.mjs
 * checks each). Two convolutions of 8 channels, each padded and pooled, then the dense layer.
 */
const TWO_CONVS = { kind: 'cnn', convs: [{ channels: 8, padding: 1, pool: true }, { channels: 8, padding: 1, pool: true }] };
export const DIGITS_LESSONS = [
  {
    id: 'digits-vanishing',
    title: 'Vanishing gradients: sigmoid and small weights',
    scenario: { objective: { ...TWO_CONVS, activation: 'sigmoid', init: 'uniform' }, optimizer: { name: 'sgd', lr: 0.1 }, batch_size: 32, seed: 1, steps: 150 },
    text: 'Two sigmoid convolutions start from small weights, U(−0.1, 0.1). Backpropagation multiplies the gradient by σ′ ≤ 1/4 and by the small weights at every layer, so the first convolution’s gradient norm ends more than a hundred times below the dense layer’s (the chart is on a log scale) and the network learns almost nothing in 150 updates: test accuracy near 10 %, chance for ten classes. Choose ReLU and He initialisation: the layers’ norms stay within a factor of a few of each other and the same 150 updates reach over 80 %.',
  },
  {
    id: 'digits-exploding',
    title: 'Exploding gradients, and clipping',
    scenario: { objective: { ...TWO_CONVS, activation: 'relu', init_scale: 4 }, optimizer: { name: 'sgd', lr: 0.5 }, batch_size: 32, seed: 1, steps: 150 },
    text: 'The same network with ReLU, its starting weights four times He’s, trained at learning rate 0.5: the first gradients have norms near 40 in every layer, the first updates throw the weights far away, the ReLUs die and the network is stuck at chance, about 10 %. Set Gradient clipping to 1: each update’s gradient is scaled down to norm 1 at most (clip_grad_norm_), and the same run reaches over 80 %.',
  },
];
