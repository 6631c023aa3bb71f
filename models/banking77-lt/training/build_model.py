#!/usr/bin/python3
"""Build tailcheck's bundled BANKING77-LT classifier: a tiny BERT for transformers.js, trained without
the HF libraries. Adapted from the project's reference recipe (shared/reference/build_model.py).

* hand-written BertForSequenceClassification (HF weight names / inputs / output 'logits')
* hand-written BERT WordPiece tokenizer (HF tokenizers JSON format)
* trains on a JSONL {text,label} dataset (or stays random with --no-train)
* optional long-tail losses: logit adjustment (--logit-adjust-tau), class weights (--class-weight-power)
* Linear layers train as oneDNN 1x1 convolutions (Debian's torch has only the reference BLAS)
* exports onnx/model.onnx (fp32, opset 14) and onnx/model_quantized.onnx (dynamic int8,
  hand-written graph rewrite, since onnxruntime's python quantizer is not available)
* writes config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.txt

Only needs Debian's python3-torch and python3-onnx (+numpy):
    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 build_model.py --data DIR --out OUT_DIR --work WORK_DIR [--label-counts label_counts.json]
See train.sh beside this file for the exact command that built the bundled model.
"""
import argparse
import collections
import json
import math
import os
import random
import time
import unicodedata

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


# ----------------------------------------------------------------------------------------
# Tokenizer: mirrors HF tokenizers BertNormalizer + BertPreTokenizer + WordPiece
# ----------------------------------------------------------------------------------------
def _is_whitespace(c):
    return c in " \t\n\r" or c.isspace() or unicodedata.category(c) == "Zs"


def _is_control(c):
    if c in "\t\n\r":
        return False
    return unicodedata.category(c).startswith("C")


def _is_punct(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def normalize(text):
    """BertNormalizer(clean_text, handle_chinese_chars, strip_accents=None->lowercase, lowercase)."""
    out = []
    for c in text:
        cp = ord(c)
        if cp == 0 or cp == 0xFFFD or _is_control(c):
            continue
        if _is_whitespace(c):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(" " + c + " ")
        else:
            out.append(c)
    text = "".join(out)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return text.lower()


def pre_tokenize(text):
    """BertPreTokenizer: split on whitespace, isolate every punctuation char."""
    words, cur = [], []
    for c in text:
        if _is_whitespace(c):
            if cur:
                words.append("".join(cur)); cur = []
        elif _is_punct(c):
            if cur:
                words.append("".join(cur)); cur = []
            words.append(c)
        else:
            cur.append(c)
    if cur:
        words.append("".join(cur))
    return words


class WordPieceTokenizer:
    def __init__(self, vocab, max_len):
        self.vocab = vocab  # token -> id
        self.max_len = max_len
        self.unk = vocab["[UNK]"]
        self.cls = vocab["[CLS]"]
        self.sep = vocab["[SEP]"]
        self.pad = vocab["[PAD]"]

    def wordpiece(self, word):
        if len(word) > 100:
            return [self.unk]
        out, start = [], 0
        while start < len(word):
            end, cur = len(word), None
            while start < end:
                sub = word[start:end]
                if start > 0:
                    sub = "##" + sub
                if sub in self.vocab:
                    cur = self.vocab[sub]
                    break
                end -= 1
            if cur is None:
                return [self.unk]
            out.append(cur)
            start = end
        return out

    def encode(self, text, js_truncation=False):
        ids = []
        for w in pre_tokenize(normalize(text)):
            ids.extend(self.wordpiece(w))
        if js_truncation:  # transformers.js (v2 and v4) slices AFTER adding [CLS]/[SEP]: [SEP] is lost
            return ([self.cls] + ids + [self.sep])[: self.max_len]
        return [self.cls] + ids[: self.max_len - 2] + [self.sep]  # HF python semantics


def build_vocab(texts, target_size, min_word_freq=1, min_piece_freq=1):
    """Specials, every seen character (plus ASCII letters/digits/punctuation) alone and as ##x, whole
    words (len > 1, freq >= min_word_freq, at most 80 % of the budget), then the most frequent
    prefixes (2-6 chars) and ##suffixes (2-5 chars) of all words of 4+ chars, so that unseen and
    misspelled words fall back to meaningful pieces rather than to single characters."""
    word_freq = collections.Counter()
    char_freq = collections.Counter()
    for t in texts:
        for w in pre_tokenize(normalize(t)):
            word_freq[w] += 1
            char_freq.update(w)
    chars = set(char_freq)
    chars |= set("abcdefghijklmnopqrstuvwxyz0123456789")
    chars |= {chr(c) for c in range(33, 127) if _is_punct(chr(c))}
    chars = sorted(chars)
    vocab = list(SPECIALS) + chars + ["##" + c for c in chars if not _is_punct(c)]
    budget = target_size - len(vocab)
    n_words = int(budget * 0.8)
    # ties broken by the word itself so the vocab does not depend on file order
    ranked = sorted(word_freq.items(), key=lambda kv: (-kv[1], kv[0]))
    words = [w for w, n in ranked if n >= min_word_freq and len(w) > 1][:n_words]
    sub = collections.Counter()
    for w, n in word_freq.items():
        if len(w) < 4:
            continue
        for k in range(2, min(7, len(w))):
            sub[w[:k]] += n
        for k in range(2, min(6, len(w))):
            sub["##" + w[-k:]] += n
    have = set(vocab) | set(words)
    pieces = sorted(sub.items(), key=lambda kv: (-kv[1], kv[0]))
    extra = [p for p, n in pieces if p not in have and n >= min_piece_freq][: budget - len(words)]
    vocab += words + extra
    return {t: i for i, t in enumerate(vocab)}


def tokenizer_json(vocab, max_len):
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for t in SPECIALS]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [vocab["[CLS]"]], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [vocab["[SEP]"]], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


# ----------------------------------------------------------------------------------------
# Model: same module tree / parameter names as transformers.BertForSequenceClassification
# ----------------------------------------------------------------------------------------
# Debian's torch uses the reference BLAS (BLAS_INFO=generic): F.linear runs at ~1.5 GFLOP/s, while
# oneDNN's 1x1 convolution does the same product ~7x faster, forward and backward. So training runs
# Linear layers as 1x1 convs; export and reference outputs switch back to F.linear (plain MatMul/Gemm
# in the ONNX graph, and bit-for-bit the computation the graph does).
FAST_LINEAR = True


class Linear(nn.Linear):
    def forward(self, x):
        if not FAST_LINEAR or x.dim() < 2:
            return F.linear(x, self.weight, self.bias)
        lead = x.shape[:-1]
        y = F.conv2d(x.reshape(-1, x.size(-1), 1, 1), self.weight[:, :, None, None], self.bias)
        return y.reshape(*lead, self.out_features)


def set_fast_linear(on):
    global FAST_LINEAR
    FAST_LINEAR = on


class Cfg:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.register_buffer("position_ids", torch.arange(c.max_position_embeddings).unsqueeze(0),
                             persistent=False)

    def forward(self, input_ids, token_type_ids):
        pos = self.position_ids[:, : input_ids.size(1)]
        e = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        e = e + self.position_embeddings(pos)
        return self.dropout(self.LayerNorm(e))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h = c.num_attention_heads
        self.d = c.hidden_size // c.num_attention_heads
        self.query = Linear(c.hidden_size, c.hidden_size)
        self.key = Linear(c.hidden_size, c.hidden_size)
        self.value = Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.attention_probs_dropout_prob)

    def split(self, x):
        return x.view(x.size(0), x.size(1), self.h, self.d).transpose(1, 2)  # B,h,L,d

    def forward(self, x, ext_mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.d) + ext_mask
        probs = self.dropout(F.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).transpose(1, 2).contiguous()
        return ctx.view(ctx.size(0), ctx.size(1), self.h * self.d)


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, h, x):
        return self.LayerNorm(self.dropout(self.dense(h)) + x)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, x, ext_mask):
        return self.output(self.self(x, ext_mask), x)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = Linear(c.hidden_size, c.intermediate_size)

    def forward(self, x):
        return F.gelu(self.dense(x))  # exact (erf) GELU == HF "gelu"


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = Linear(c.intermediate_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, h, x):
        return self.LayerNorm(self.dropout(self.dense(h)) + x)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, x, ext_mask):
        a = self.attention(x, ext_mask)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c.num_hidden_layers)])

    def forward(self, x, ext_mask):
        for l in self.layer:
            x = l(x, ext_mask)
        return x


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = Linear(c.hidden_size, c.hidden_size)

    def forward(self, x):
        return torch.tanh(self.dense(x[:, 0]))


class BertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c)

    def forward(self, input_ids, attention_mask, token_type_ids):
        # [B,L] -> [B,1,1,L]; masked keys get the most negative float (as in HF)
        ext = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        h = self.encoder(self.embeddings(input_ids, token_type_ids), ext)
        return self.pooler(h)


class BertForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = BertModel(c)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.classifier = Linear(c.hidden_size, c.num_labels)
        self.apply(lambda m: self._init(m, c.initializer_range))

    @staticmethod
    def _init(m, std):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            m.weight.data.normal_(0.0, std)
            if isinstance(m, nn.Linear) and m.bias is not None:
                m.bias.data.zero_()
            if isinstance(m, nn.Embedding) and m.padding_idx is not None:
                m.weight.data[m.padding_idx].zero_()
        elif isinstance(m, nn.LayerNorm):
            m.weight.data.fill_(1.0); m.bias.data.zero_()

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.classifier(self.dropout(self.bert(input_ids, attention_mask, token_type_ids)))


# ----------------------------------------------------------------------------------------
# Data / training / metrics
# ----------------------------------------------------------------------------------------
def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def batchify(tok, texts, pad_id):
    enc = [tok.encode(t) for t in texts]
    L = max(len(e) for e in enc)
    ids = torch.full((len(enc), L), pad_id, dtype=torch.long)
    mask = torch.zeros((len(enc), L), dtype=torch.long)
    for i, e in enumerate(enc):
        ids[i, : len(e)] = torch.tensor(e)
        mask[i, : len(e)] = 1
    return ids, mask, torch.zeros_like(ids)


@torch.no_grad()
def predict(model, tok, texts, bs=128):
    model.eval()
    out = []
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # length bucketing
    for s in range(0, len(texts), bs):
        idx = order[s: s + bs]
        ids, mask, tt = batchify(tok, [texts[i] for i in idx], tok.pad)
        out.append((idx, F.softmax(model(ids, mask, tt), -1)))
    probs = torch.zeros(len(texts), out[0][1].size(1))
    for idx, p in out:
        probs[idx] = p
    return probs


def shot_group(n):
    """Long-tail shot groups by training count (as in ImageNet-LT / tailcheck's report)."""
    return "many" if n > 100 else "few" if n < 20 else "medium"


def metrics(y, p, labels, label_counts=None):
    y, p = np.asarray(y), np.asarray(p)
    res = {"accuracy": float((y == p).mean()), "per_class": {}}
    f1s = []
    for k, name in enumerate(labels):
        tp = int(((p == k) & (y == k)).sum()); fp = int(((p == k) & (y != k)).sum())
        fn = int(((p != k) & (y == k)).sum())
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        f1s.append(f1)
        res["per_class"][name] = {"support": int((y == k).sum()), "precision": round(prec, 4),
                                  "recall": round(rec, 4), "f1": round(f1, 4)}
    res["macro_f1"] = float(np.mean(f1s))
    if label_counts:  # accuracy over the test rows of the many / medium / few-shot intents
        group_of_id = np.array([shot_group(label_counts[name]) for name in labels])
        res["groups"] = {}
        for g in ("many", "medium", "few"):
            sel = group_of_id[y] == g
            res["groups"][g] = {"classes": int((group_of_id == g).sum()), "rows": int(sel.sum()),
                                "accuracy": float((y[sel] == p[sel]).mean()) if sel.any() else None}
    return res


def to_label_id(v, label2id):
    if isinstance(v, str) and not v.isdigit():
        return label2id[v]
    return int(v)


def train(model, tok, train_rows, val_rows, labels, args):
    torch.manual_seed(args.seed)
    texts = [r["text"] for r in train_rows]
    ys = torch.tensor([r["y"] for r in train_rows])
    counts = torch.bincount(ys, minlength=len(labels)).float()
    weight = None
    if args.class_weight_power > 0:  # w_k ~ (N / (K n_k))^power
        weight = (counts.sum() / (len(labels) * counts)) ** args.class_weight_power
        print("class weights", [round(float(w), 3) for w in weight])
    # logit adjustment (Menon et al. 2021): train on logits + tau * log(prior), predict with raw
    # logits, which targets the balanced error instead of the head-dominated one
    log_prior = torch.log(counts / counts.sum()) * args.logit_adjust_tau
    enc = [tok.encode(t) for t in texts]
    steps_per_epoch = math.ceil(len(texts) / args.batch_size)
    total = steps_per_epoch * args.epochs
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warm = int(0.06 * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / max(1, warm), max(0.0, (total - s) / max(1, total - warm))))
    t0 = time.time(); step = 0; best = (-1, None)
    for ep in range(args.epochs):
        model.train()
        perm = torch.randperm(len(texts)).tolist()
        # bucket by length inside chunks of 50 batches to cut padding
        chunks = [perm[i: i + args.batch_size * 50] for i in range(0, len(perm), args.batch_size * 50)]
        batches = []
        for ch in chunks:
            ch = sorted(ch, key=lambda i: len(enc[i]))
            batches += [ch[i: i + args.batch_size] for i in range(0, len(ch), args.batch_size)]
        random.shuffle(batches)
        tot_loss = 0.0
        for b in batches:
            L = max(len(enc[i]) for i in b)
            ids = torch.zeros((len(b), L), dtype=torch.long)
            mask = torch.zeros((len(b), L), dtype=torch.long)
            for j, i in enumerate(b):
                ids[j, : len(enc[i])] = torch.tensor(enc[i]); mask[j, : len(enc[i])] = 1
            logits = model(ids, mask, torch.zeros_like(ids))
            loss = F.cross_entropy(logits + log_prior, ys[b], weight=weight)
            opt.zero_grad(); loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(); sched.step(); step += 1
            tot_loss += float(loss)
        msg = f"epoch {ep + 1} loss {tot_loss / len(batches):.4f} time {time.time() - t0:.0f}s"
        if val_rows:
            vp = predict(model, tok, [r["text"] for r in val_rows]).argmax(-1).tolist()
            m = metrics([r["y"] for r in val_rows], vp, labels, args.label_counts_map)
            msg += f" val_acc {m['accuracy']:.4f} val_macroF1 {m['macro_f1']:.4f}"
            if "groups" in m:
                msg += " many/med/few " + "/".join(f"{m['groups'][g]['accuracy']:.3f}" for g in ("many", "medium", "few"))
            if m["macro_f1"] > best[0]:
                best = (m["macro_f1"], {k: v.clone() for k, v in model.state_dict().items()})
        print(msg, flush=True)
        if time.time() - t0 > args.time_budget:
            print("time budget reached"); break
    if best[1] is not None:
        model.load_state_dict(best[1])
        print(f"restored best val macro-F1 {best[0]:.4f}")


# ----------------------------------------------------------------------------------------
# ONNX export + hand-written dynamic int8 quantization
# ----------------------------------------------------------------------------------------
def export_onnx(model, path, opset):
    set_fast_linear(False)
    model.eval()
    ids = torch.tensor([[2, 10, 11, 12, 3], [2, 13, 3, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "sequence_length"},
           "token_type_ids": {0: "batch_size", 1: "sequence_length"},
           "logits": {0: "batch_size"}}
    torch.onnx.export(model, (ids, mask, torch.zeros_like(ids)), path,
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["logits"], dynamic_axes=dyn, opset_version=opset,
                      do_constant_folding=True)


def quantize_dynamic_int8(src, dst, reduce_range=True):
    """ORT-quantize_dynamic-like rewrite:
    MatMul(X, W_const)  -> DynamicQuantizeLinear(X) + MatMulInteger(Xq, Wq int8 per-column) + Cast + Mul
    Gather(E_const, ids) (word embeddings) -> Gather(Eq int8) + Cast + Mul(Gather(row_scale, ids))
    reduce_range: weights in [-64,63] (7 bit) to avoid u8s8 int16 saturation on AVX2 without VNNI."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    m = onnx.load(src)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    qmax = 63.0 if reduce_range else 127.0
    new_nodes, drop, add = [], set(), []
    cnt = 0
    for n in g.node:
        if n.op_type == "MatMul" and n.input[1] in inits and len(inits[n.input[1]].dims) == 2:
            W = numpy_helper.to_array(inits[n.input[1]]).astype(np.float32)  # [K,N]
            scale = np.maximum(np.abs(W).max(axis=0), 1e-8) / qmax  # per output column
            Wq = np.clip(np.round(W / scale), -qmax - 1, qmax).astype(np.int8)
            p = f"{n.input[1]}_q{cnt}"; cnt += 1
            add += [numpy_helper.from_array(Wq, p + "_w"),
                    numpy_helper.from_array(scale.astype(np.float32), p + "_s"),
                    numpy_helper.from_array(np.zeros(W.shape[1], np.int8), p + "_zp")]
            drop.add(n.input[1])
            x = n.input[0]
            new_nodes += [
                helper.make_node("DynamicQuantizeLinear", [x], [p + "_xq", p + "_xs", p + "_xzp"]),
                helper.make_node("MatMulInteger", [p + "_xq", p + "_w", p + "_xzp", p + "_zp"], [p + "_i32"]),
                helper.make_node("Cast", [p + "_i32"], [p + "_f"], to=TensorProto.FLOAT),
                helper.make_node("Mul", [p + "_xs", p + "_s"], [p + "_scale"]),
                helper.make_node("Mul", [p + "_f", p + "_scale"], [n.output[0]]),
            ]
        elif n.op_type == "Gather" and n.input[0] in inits and "word_embeddings" in n.input[0]:
            E = numpy_helper.to_array(inits[n.input[0]]).astype(np.float32)  # [V,H]
            scale = np.maximum(np.abs(E).max(axis=1), 1e-8) / 127.0  # per row
            Eq = np.clip(np.round(E / scale[:, None]), -128, 127).astype(np.int8)
            p = f"{n.input[0]}_q{cnt}"; cnt += 1
            add += [numpy_helper.from_array(Eq, p + "_w"),
                    numpy_helper.from_array(scale[:, None].astype(np.float32), p + "_s")]
            drop.add(n.input[0])
            new_nodes += [
                helper.make_node("Gather", [p + "_w", n.input[1]], [p + "_g"], axis=0),
                helper.make_node("Cast", [p + "_g"], [p + "_gf"], to=TensorProto.FLOAT),
                helper.make_node("Gather", [p + "_s", n.input[1]], [p + "_gs"], axis=0),  # [...,1]
                helper.make_node("Mul", [p + "_gf", p + "_gs"], [n.output[0]]),
            ]
        else:
            new_nodes.append(n)
    # keep initializers still referenced elsewhere
    used = {i for nd in new_nodes for i in nd.input}
    keep = [t for t in g.initializer if not (t.name in drop and t.name not in used)]
    del g.initializer[:]
    g.initializer.extend(keep + add)
    del g.node[:]
    g.node.extend(new_nodes)
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return cnt


# ----------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", help="folder with train.jsonl, test.jsonl, optional validation.jsonl and "
                    "labels.json (label names in id order); made by make_lt_split.py")
    ap.add_argument("--label-counts", help="label_counts.json: adds many/medium/few-shot accuracy to the metrics")
    ap.add_argument("--no-train", action="store_true", help="random weights, tiny built-in corpus")
    ap.add_argument("--out", required=True, help="model folder to write (config, tokenizer, onnx/)")
    ap.add_argument("--work", required=True, help="scratch folder for pytorch_model.bin and ref.json")
    ap.add_argument("--vocab-size", type=int, default=6000)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--intermediate", type=int, default=512)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--class-weight-power", type=float, default=0.0)
    ap.add_argument("--logit-adjust-tau", type=float, default=0.0,
                    help="train on logits + tau*log(class prior); 0 = plain cross-entropy")
    ap.add_argument("--min-word-freq", type=int, default=1)
    ap.add_argument("--min-piece-freq", type=int, default=1)
    ap.add_argument("--time-budget", type=float, default=840)
    ap.add_argument("--opset", type=int, default=14)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if not args.no_train and not args.data:
        ap.error("--data is required unless --no-train")
    args.label_counts_map = json.load(open(args.label_counts, encoding="utf-8")) if args.label_counts else None
    torch.set_num_threads(args.threads)
    random.seed(args.seed); np.random.seed(args.seed); torch.manual_seed(args.seed)
    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    os.makedirs(args.work, exist_ok=True)

    if args.no_train:
        labels = ["card_arrival", "exchange_rate", "top_up_failed"]
        label2id = {l: i for i, l in enumerate(labels)}
        args.label_counts_map = None
        train_rows = [{"text": t, "y": i % 3} for i, t in enumerate(
            ["where is my new card", "what rate do you use for euros", "my top up did not work"] * 3)]
        val_rows, test_rows = [], train_rows
    else:
        names = os.path.join(args.data, "labels.json")
        if os.path.exists(names):  # optional label-name file
            labels = json.load(open(names, encoding="utf-8")); label2id = {l: i for i, l in enumerate(labels)}
        train_rows = read_jsonl(os.path.join(args.data, "train.jsonl"))
        if not os.path.exists(names) and any(isinstance(r["label"], str) and not r["label"].isdigit() for r in train_rows):
            # no label-name file: string labels in sorted order
            labels = sorted({r["label"] for r in train_rows}); label2id = {l: i for i, l in enumerate(labels)}
        vp = os.path.join(args.data, "validation.jsonl")
        val_rows = read_jsonl(vp) if os.path.exists(vp) else []
        test_rows = read_jsonl(os.path.join(args.data, "test.jsonl"))
        for r in train_rows + val_rows + test_rows:
            r["y"] = to_label_id(r["label"], label2id)
    print(f"train {len(train_rows)} val {len(val_rows)} test {len(test_rows)}")

    vocab = build_vocab([r["text"] for r in train_rows], args.vocab_size, args.min_word_freq, args.min_piece_freq)
    tok = WordPieceTokenizer(vocab, args.max_len)
    cfg = Cfg(vocab_size=len(vocab), hidden_size=args.hidden, num_hidden_layers=args.layers,
              num_attention_heads=args.heads, intermediate_size=args.intermediate,
              max_position_embeddings=args.max_len, type_vocab_size=2, layer_norm_eps=1e-12,
              hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, initializer_range=0.02,
              pad_token_id=vocab["[PAD]"], num_labels=len(labels))
    model = BertForSequenceClassification(cfg)
    print("vocab", len(vocab), "params", sum(p.numel() for p in model.parameters()))

    if not args.no_train:
        train(model, tok, train_rows, val_rows, labels, args)
    model.eval()
    set_fast_linear(False)  # final metrics and ref.json with the exact ops of the ONNX graph
    torch.save(model.state_dict(), os.path.join(args.work, "pytorch_model.bin"))

    # metrics + reference outputs for the Node equality check
    probs = predict(model, tok, [r["text"] for r in test_rows])
    m = metrics([r["y"] for r in test_rows], probs.argmax(-1).tolist(), labels, args.label_counts_map)
    summary = {k: v for k, v in m.items() if k != "per_class"}
    print("test", json.dumps(summary))
    json.dump(m, open(os.path.join(args.work, "metrics.json"), "w"), indent=1)
    ref = [{"text": r["text"], "label": r["y"], "ids": tok.encode(r["text"], js_truncation=True),
            "probs": [float(x) for x in probs[i]]} for i, r in enumerate(test_rows)]
    json.dump({"labels": labels, "metrics": m, "rows": ref}, open(os.path.join(args.work, "ref.json"), "w"))

    # ONNX
    fp32 = os.path.join(args.out, "onnx", "model.onnx")
    export_onnx(model, fp32, args.opset)
    nq = quantize_dynamic_int8(fp32, os.path.join(args.out, "onnx", "model_quantized.onnx"))
    print("quantized ops:", nq)

    # HF-style config + tokenizer files
    config = {
        "_name_or_path": "tailcheck/banking77-lt",
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1, "classifier_dropout": None, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "hidden_size": cfg.hidden_size, "initializer_range": 0.02,
        "intermediate_size": cfg.intermediate_size, "layer_norm_eps": 1e-12,
        "max_position_embeddings": cfg.max_position_embeddings,
        "num_attention_heads": cfg.num_attention_heads, "num_hidden_layers": cfg.num_hidden_layers,
        "pad_token_id": cfg.pad_token_id, "position_embedding_type": "absolute",
        "problem_type": "single_label_classification", "type_vocab_size": 2, "use_cache": True,
        "vocab_size": cfg.vocab_size,
        "id2label": {str(i): l for i, l in enumerate(labels)},
        "label2id": {l: i for i, l in enumerate(labels)},
        "torch_dtype": "float32",
    }
    json.dump(config, open(os.path.join(args.out, "config.json"), "w"), indent=2)
    json.dump(tokenizer_json(vocab, args.max_len), open(os.path.join(args.out, "tokenizer.json"), "w"),
              ensure_ascii=False)
    tok_cfg = {"tokenizer_class": "BertTokenizer", "do_lower_case": True, "do_basic_tokenize": True,
               "tokenize_chinese_chars": True, "strip_accents": None, "model_max_length": args.max_len,
               "clean_up_tokenization_spaces": True, "cls_token": "[CLS]", "sep_token": "[SEP]",
               "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]",
               "padding_side": "right", "truncation_side": "right"}
    json.dump(tok_cfg, open(os.path.join(args.out, "tokenizer_config.json"), "w"), indent=2)
    json.dump({"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]",
               "mask_token": "[MASK]"}, open(os.path.join(args.out, "special_tokens_map.json"), "w"), indent=2)
    with open(os.path.join(args.out, "vocab.txt"), "w", encoding="utf-8") as f:
        for t, _ in sorted(vocab.items(), key=lambda kv: kv[1]):
            f.write(t + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
