"""Training throughput of the emotion-edge ResNets in PyTorch, for comparison with
`emotion-edge bench train`.

Builds the same architectures as host/src/model (reference and edge, emotion and
keypoints), runs forward + backward + Adam steps on random 96x96 inputs after a warm-up
and prints images per second. Run with the same batch size and thread count as the Burn
benchmark:

    python bench/pytorch_train_bench.py --task emotion --arch reference --batch-size 32 --threads 2
"""

import argparse
import time

import torch
from torch import nn


class ConvBlock(nn.Module):
    """1x1 conv, 2x2 max pool, BN, ReLU, 3x3 conv, BN, ReLU, 1x1 conv, BN + projected
    shortcut (1x1 conv, 2x2 max pool, BN), ReLU."""

    def __init__(self, cin, filters):
        super().__init__()
        f1, f2, f3 = filters
        self.main = nn.Sequential(
            nn.Conv2d(cin, f1, 1), nn.MaxPool2d(2), nn.BatchNorm2d(f1), nn.ReLU(),
            nn.Conv2d(f1, f2, 3, padding=1), nn.BatchNorm2d(f2), nn.ReLU(),
            nn.Conv2d(f2, f3, 1), nn.BatchNorm2d(f3),
        )
        self.shortcut = nn.Sequential(nn.Conv2d(cin, f3, 1), nn.MaxPool2d(2), nn.BatchNorm2d(f3))

    def forward(self, x):
        return torch.relu(self.main(x) + self.shortcut(x))


class IdentityBlock(nn.Module):
    """1x1 conv, BN, ReLU, 3x3 conv, BN, ReLU, 1x1 conv, BN, add input, ReLU."""

    def __init__(self, filters):
        super().__init__()
        f1, f2, f3 = filters
        self.main = nn.Sequential(
            nn.Conv2d(f3, f1, 1), nn.BatchNorm2d(f1), nn.ReLU(),
            nn.Conv2d(f1, f2, 3, padding=1), nn.BatchNorm2d(f2), nn.ReLU(),
            nn.Conv2d(f2, f3, 1), nn.BatchNorm2d(f3),
        )

    def forward(self, x):
        return torch.relu(self.main(x) + x)


def stage(cin, filters):
    return nn.Sequential(ConvBlock(cin, filters), IdentityBlock(filters), IdentityBlock(filters))


def network(task, arch):
    if arch == "reference":
        layers = [
            nn.ZeroPad2d(3), nn.Conv2d(1, 64, 7, stride=2), nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(3, stride=2),
            stage(64, (64, 64, 256)), stage(256, (128, 128, 512)),
        ]
        if task == "emotion":
            layers += [nn.AvgPool2d(4), nn.Flatten(), nn.Linear(512, 5)]
        else:
            layers += [
                nn.AvgPool2d(2), nn.Flatten(),
                nn.Linear(2048, 4096), nn.ReLU(), nn.Dropout(0.2),
                nn.Linear(4096, 2048), nn.ReLU(), nn.Dropout(0.1),
                nn.Linear(2048, 30),
            ]
    elif task == "emotion":
        layers = [
            nn.AvgPool2d(2), nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2), stage(32, (32, 32, 128)), stage(128, (64, 64, 256)),
            nn.AvgPool2d(6), nn.Flatten(), nn.Dropout(0.3), nn.Linear(256, 5),
        ]
    else:
        layers = [
            nn.Conv2d(1, 32, 5, stride=2, padding=2), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2), stage(32, (32, 32, 128)), stage(128, (64, 64, 256)),
            nn.AvgPool2d(2), nn.Flatten(), nn.Linear(2304, 256), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(256, 30),
        ]
    return nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=["emotion", "keypoints"], default="emotion")
    parser.add_argument("--arch", choices=["reference", "edge"], default="reference")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = network(args.task, args.arch)
    params = sum(p.numel() for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))
                 for p in m.parameters(recurse=False))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    faces = torch.rand(args.batch_size, 1, 96, 96)
    if args.task == "emotion":
        targets = torch.arange(args.batch_size) % 5
        loss_fn = nn.CrossEntropyLoss()
    else:
        targets = torch.full((args.batch_size, 30), 48.0)
        loss_fn = nn.MSELoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(faces), targets)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    started = time.perf_counter()
    for _ in range(args.steps):
        step()
    rate = args.steps * args.batch_size / (time.perf_counter() - started)
    print(f"{args.task} --arch {args.arch}: {params} parameters (conv + dense)")
    print(f"pytorch {torch.__version__} batch {args.batch_size} threads {args.threads}: "
          f"{rate:.1f} images/s over {args.steps} training steps")


if __name__ == "__main__":
    main()
