#!/usr/bin/env python3
"""The engine benchmark's model in PyTorch: the reference a user would compare the WebGPU engine with.

Same model as src/model (pre-norm GPT, rotary positions in the rotate-half layout, tanh GELU, output
embedding tied to the token embedding, vocabulary 260), same shapes and the same JSON fields as
`npm run lab -- bench engine` (src/harness/bench-engine-plan.ts), in eager fp32 with TF32 off, so
neither side reaches tensor cores. The training step is forward, backward, gradient clipping to 1
and AdamW, ending with the loss read back. `train_tokens_per_s` uses PyTorch's fused attention
(scaled_dot_product_attention); `train_tokens_per_s_plain_attention` the plain masked softmax.

On a GPU machine:  python3 bench/pytorch_engine.py --json
On the CPU, beside the lab's CPU engine (npm run lab -- bench cpu runs this):
  python3 bench/pytorch_engine.py --device cpu --threads 2 --train nano:8x128,small:8x256 --json
Progress goes to stderr; the last line of stdout is the JSON report.
"""

import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

PRESETS = {
    "nano": dict(layers=2, width=64, heads=4, ff_width=256, context=256),
    "small": dict(layers=4, width=128, heads=4, ff_width=512, context=1024),
    "base": dict(layers=6, width=256, heads=8, ff_width=1024, context=1024),
    "large": dict(layers=8, width=512, heads=8, ff_width=2048, context=2048),
}
VOCAB_SIZE = 260
ROTARY_BASE = 10000.0
HAS_FUSED_ATTENTION = hasattr(F, "scaled_dot_product_attention")


def say(line):
    print(line, file=sys.stderr, flush=True)


def rotate(x, cos, sin):
    """[B, NH, T, hs], rotate-half layout: channel i pairs with i + hs/2."""
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Block(nn.Module):
    def __init__(self, width, heads, ff_width):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, ff_width)
        self.fc_proj = nn.Linear(ff_width, width)

    def forward(self, x, cos, sin, fused, cache=None, t0=0):
        B, T, C = x.shape
        hs = C // self.heads
        q, k, v = self.qkv(self.ln1(x)).view(B, T, 3, self.heads, hs).permute(2, 0, 3, 1, 4)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        causal = True
        if cache is not None:  # decoding: keys and values of every earlier token come from the cache
            cache[0][:, :, t0 : t0 + T] = k
            cache[1][:, :, t0 : t0 + T] = v
            k, v = cache[0][:, :, : t0 + T], cache[1][:, :, : t0 + T]
            causal = T > 1
        if fused:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        else:
            att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
            if causal:
                mask = torch.ones(T, k.shape[2], dtype=torch.bool, device=x.device).tril(k.shape[2] - T)
                att = att.masked_fill(~mask, float("-inf"))
            y = att.softmax(dim=-1) @ v
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, layers, width, heads, ff_width, context):
        super().__init__()
        self.wte = nn.Embedding(VOCAB_SIZE, width)
        self.blocks = nn.ModuleList(Block(width, heads, ff_width) for _ in range(layers))
        self.lnf = nn.LayerNorm(width)
        hs = width // heads
        freqs = ROTARY_BASE ** (-torch.arange(0, hs // 2, dtype=torch.float32) * 2 / hs)
        angles = torch.outer(torch.arange(context, dtype=torch.float32), freqs)
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, tokens, fused=True, caches=None, t0=0):
        T = tokens.shape[1]
        cos, sin = self.cos[t0 : t0 + T], self.sin[t0 : t0 + T]
        x = self.wte(tokens)
        for i, block in enumerate(self.blocks):
            x = block(x, cos, sin, fused, None if caches is None else caches[i], t0)
        return self.lnf(x) @ self.wte.weight.t()


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_runs(run, warmup, runs, device):
    """Median seconds of run(); each run ends synchronised (its GPU work finished)."""
    for _ in range(warmup):
        run()
    sync(device)
    seconds = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        run()
        sync(device)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def round3(x):
    return float(f"{x:.3g}")


def time_matmul(M, N, K, plan, device):
    a = torch.rand(M, K, device=device) * 2 - 1
    b = torch.rand(N, K, device=device) * 2 - 1
    out = torch.empty(M, N, device=device)

    def repeat(count):
        for _ in range(count):
            torch.matmul(a, b.t(), out=out)

    for _ in range(plan["warmup"]):
        repeat(1)
    once = time_runs(lambda: repeat(1), 0, 3, device)
    count = min(1000, max(1, math.ceil(plan["min_run_s"] / max(once, 1e-6))))
    return time_runs(lambda: repeat(count), 1, plan["runs"], device) / count


def random_batch(B, T, device, seed):
    g = torch.Generator().manual_seed(seed)
    tokens = torch.randint(0, VOCAB_SIZE, (B, T), generator=g).to(device)
    targets = torch.randint(0, VOCAB_SIZE, (B, T), generator=g).to(device)
    return tokens, targets


def time_training(preset, B, T, fused, plan, device):
    """Median seconds of one step and the peak bytes allocated during it (CUDA only)."""
    torch.manual_seed(1)
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    model = GPT(**PRESETS[preset]).to(device)
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=3e-4,
        betas=(0.9, 0.95),
        eps=1e-8,
    )
    tokens, targets = random_batch(B, T, device, 3)

    def step():
        logits = model(tokens, fused=fused)
        loss = F.cross_entropy(logits.view(-1, VOCAB_SIZE), targets.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss.item()  # the read-back that ends a step, as in the engine

    seconds = time_runs(step, plan["warmup"], plan["runs"], device)
    peak = torch.cuda.max_memory_allocated() if device.type == "cuda" else None
    del model, optimizer
    return seconds, peak


@torch.no_grad()
def time_generation(plan, B, device):
    """Generated tokens per second: prefill of random prompts, then one token per step with a KV cache."""
    gen = plan["generate"]
    spec = PRESETS[gen["preset"]]
    torch.manual_seed(1)
    model = GPT(**spec).to(device)
    P, new = gen["prompt_tokens"], gen["new_tokens"]
    prompts, _ = random_batch(B, P, device, 10)
    hs = spec["width"] // spec["heads"]
    fused = HAS_FUSED_ATTENTION

    def run():
        caches = [
            [torch.empty(B, spec["heads"], P + new, hs, device=device) for _ in range(2)]
            for _ in range(spec["layers"])
        ]
        logits = model(prompts, fused=fused, caches=caches, t0=0)[:, -1]
        out = []
        for t in range(new):
            probs = logits.softmax(dim=-1)
            token = torch.multinomial(probs, 1)
            out.append(token)
            if t + 1 < new:
                logits = model(token, fused=fused, caches=caches, t0=P + t)[:, -1]
        torch.cat(out, dim=1).cpu()

    seconds = time_runs(run, plan["warmup"], plan["runs"], device)
    return B * new / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1024,2048,4096", help="square matmul sizes")
    parser.add_argument("--presets", default="small,base", help="presets to train")
    parser.add_argument("--batch", default="16x1024", help="sequences x tokens of a training batch")
    parser.add_argument("--generate", default="16,64", help="generation batch sizes")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, default=0,
                        help="CPU threads (torch.set_num_threads); 0 keeps PyTorch's default")
    parser.add_argument("--train", default="",
                        help="preset:BxT pairs, e.g. nano:8x128,small:8x256 (replaces --presets and --batch)")
    parser.add_argument("--generate-preset", default="small", help="the model that generates")
    parser.add_argument("--new-tokens", type=int, default=128, help="tokens generated after each prompt")
    parser.add_argument("--json", action="store_true", help="accepted for symmetry: the last line is always JSON")
    args = parser.parse_args()

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    device = torch.device(args.device)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    B, T = (int(n) for n in args.batch.split("x"))
    shapes = {}
    for pair in filter(None, args.train.split(",")):
        name, _, batch = pair.partition(":")
        shapes[name] = tuple(int(n) for n in batch.split("x"))
    presets = list(shapes) if shapes else args.presets.split(",")
    unknown = [p for p in presets if p not in PRESETS]
    if unknown:
        parser.error(f"unknown preset(s) {unknown}: choose from {', '.join(PRESETS)}")
    plan = {
        "warmup": 3,
        "runs": args.runs,
        "min_run_s": 0.05,
        "generate": {"preset": args.generate_preset, "batch_sizes": [int(n) for n in args.generate.split(",")],
                     "prompt_tokens": 32, "new_tokens": args.new_tokens},
    }
    matmuls = {str(n): (int(n), int(n), int(n)) for n in args.sizes.split(",")}
    train = shapes or {p: (B, min(T, PRESETS[p]["context"])) for p in presets}
    for p, (b, t) in train.items():
        C, Fw = PRESETS[p]["width"], PRESETS[p]["ff_width"]
        N = b * t
        matmuls.update({f"{p}.qkv": (N, 3 * C, C), f"{p}.attn_proj": (N, C, C), f"{p}.fc": (N, Fw, C),
                        f"{p}.fc_proj": (N, C, Fw), f"{p}.logits": (N, VOCAB_SIZE, C)})
    memory = train if shapes or args.presets != "small,base" else {p: (B, min(T, PRESETS[p]["context"])) for p in PRESETS}

    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        adapter = {"vendor": name.split()[0].lower(), "architecture": "", "device": name,
                   "description": f"CUDA {torch.version.cuda}", "isFallbackAdapter": False}
    else:
        adapter = {"vendor": "cpu", "architecture": "", "device": "cpu", "description": "PyTorch CPU",
                   "isFallbackAdapter": False}
    say(f"pytorch {torch.__version__} on {adapter['device']}, fused attention: {HAS_FUSED_ATTENTION}")

    matmul_gflops = {}
    for key, (M, N, K) in matmuls.items():
        matmul_gflops[key] = round3(2 * M * N * K / time_matmul(M, N, K, plan, device) / 1e9)
        say(f"pytorch matmul {key} ({M}x{N}x{K}): {matmul_gflops[key]} GFLOP/s")

    train_fused, train_plain, step_ms, gpu_bytes = {}, {}, {}, {}
    for p, (b, t) in train.items():
        seconds, peak = time_training(p, b, t, False, plan, device)
        train_plain[p] = round3(b * t / seconds)
        say(f"pytorch train {p} {b}x{t}, plain attention: {train_plain[p]} tokens/s")
        if HAS_FUSED_ATTENTION:
            seconds, peak = time_training(p, b, t, True, plan, device)
            train_fused[p] = round3(b * t / seconds)
            say(f"pytorch train {p} {b}x{t}, fused attention: {train_fused[p]} tokens/s")
        step_ms[p] = round3(seconds * 1000)
        if peak is not None:
            gpu_bytes[p] = peak
    for p, (b, t) in memory.items():
        if p not in gpu_bytes and device.type == "cuda":
            gpu_bytes[p] = time_training(p, b, t, HAS_FUSED_ATTENTION, {**plan, "warmup": 0, "runs": 1}, device)[1]

    generate = {}
    for b in plan["generate"]["batch_sizes"]:
        generate[str(b)] = round3(time_generation(plan, b, device))
        say(f"pytorch generate batch {b}: {generate[str(b)]} tokens/s")

    report = {
        "adapter": adapter,
        "runtime": f"pytorch {torch.__version__} eager fp32, TF32 off",
        "threads": torch.get_num_threads() if device.type == "cpu" else None,
        "scaled_for_software_adapter": False,
        "sizes": {
            "matmul": {k: list(v) for k, v in matmuls.items()},
            "train": {p: f"{b}x{t}" for p, (b, t) in train.items()},
            "generate": plan["generate"],
            "gpu_bytes": {p: f"{b}x{t}" for p, (b, t) in memory.items()},
            "warmup_runs": plan["warmup"],
            "timed_runs": plan["runs"],
            "vocab_size": VOCAB_SIZE,
        },
        "matmul_gflops": matmul_gflops,
        "train_tokens_per_s": train_fused if HAS_FUSED_ATTENTION else None,
        "train_tokens_per_s_plain_attention": train_plain,
        "train_step_ms": step_ms,
        "generate_tokens_per_s": generate,
        "gpu_bytes": gpu_bytes if device.type == "cuda" else None,
        "tfjs_matmul_gflops": None,
        "tfjs_train_tokens_per_s": None,
        "ratio_matmul": None,
        "ratio_train": None,
        "tfjs": {"skipped": "the PyTorch reference: compare its numbers with the engine's report"},
        "gpu_bytes_note": "torch.cuda.max_memory_allocated during the step (peak, caching allocator)",
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
