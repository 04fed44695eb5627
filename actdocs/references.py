"""The references: every publication the site cites, held once.

Each :class:`Reference` is a frozen record with a stable key (family name of the first
author and year, a letter or word added where two would clash), its authors, exact
title, venue and year, and where one exists its arXiv identifier or DOI (identifiers,
not links; only a source that is not a paper carries a URL, see below). A fact stated on the site,
a catalog :class:`~actdocs.catalog.Usage` and a claim's origin point here by key; a
year on the site comes from the record it cites, never typed twice.

Pages cite with the shortcode ``[@key]`` (``[@key1; @key2]`` for several), which the
MkDocs hook expands through :mod:`actdocs.render.shortcodes`; generated fragments call
:func:`cite` directly. :mod:`actdocs.produce.reference_page` renders the References page,
listing under each record the pages that cite it.

The year is that of the version cited: the peer-reviewed venue where there is one
(so BERT is 2019, NAACL, though its preprint appeared in 2018), else the preprint or
report. Author lists longer than eight keep the first three and say "et al.".

A source that is not a paper (a framework's documentation, a repository's README, an
authors' blog post) is a record like any other, with its ``url`` and its ``date`` (the
day it was published, or for a page that changes, the version and the day it was read);
its author may be an organisation (``organisation=True``: "PyTorch Contributors"),
whose first word gives the key. The URL is shown as plain text on the References page
only: the site requests nothing from another host.

Keys: ba2016, barron2017, bengio1994, bengio2012, bergstra2009, bochkovskiy2020, bridle1990,
cho2014, chowdhery2023, clevert2016, collobert2011, cox1958, cybenko1989,
dauphin2017, devlin2019, donoho1994, dosovitskiy2021, dugas2001, elfwing2018,
gemma2024, glorot2010, glorot2011, google2020, graves2013, greff2017, gregor2010, he2015, he2016,
hendrycks2016, hochreiter1991, hochreiter1997, hornik1991, howard2019, ioffe2015, jax2026, keras2023,
keras2026, kingma2015, klambauer2017, krizhevsky2012, lecun1998, leshno1993, liu2020, liu2022, maas2013, mikolov2013,
misra2020, montufar2014, nair2010, openai2019, pytorch2026, radford2016, radford2018, radford2019,
ramachandran2018, rosenblatt1958, rumelhart1986, sandler2018, shazeer2020, simonyan2015,
tan2019, tensorflow2026, touvron2023, vaswani2017, xu2015, yang2019.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Iterable

#: The References page, relative to ``docs/``; citations link to its anchors.
PAGE = "references.md"


@dataclass(frozen=True)
class Reference:
    """One publication.

    ``authors`` are ``"Family, Given"`` strings in the publication's order; with
    ``et_al`` they are only the first ones; with ``organisation`` the one author is an
    organisation's name, written as it signs ("PyTorch Contributors"). ``url`` and
    ``date`` (ISO, "2020-03-16" or "2020-03") are set for a source that is not a paper.
    ``background`` is set for a record no page cites, saying why it is listed anyway.
    """

    key: str
    authors: tuple[str, ...]
    title: str
    venue: str
    year: int
    arxiv: str = ""
    doi: str = ""
    et_al: bool = False
    background: str = ""
    url: str = ""
    date: str = ""
    organisation: bool = False

    @property
    def families(self) -> tuple[str, ...]:
        """The authors' family names (an organisation's whole name)."""
        if self.organisation:
            return self.authors
        return tuple(a.split(",")[0].strip() for a in self.authors)

    @property
    def short_authors(self) -> str:
        """"Rosenblatt", "Nair and Hinton", "Krizhevsky et al."."""
        names = self.families
        if len(names) == 1 and not self.et_al:
            return names[0]
        if len(names) == 2 and not self.et_al:
            return f"{names[0]} and {names[1]}"
        return f"{names[0]} et al."

    @property
    def label(self) -> str:
        """What a citation shows: "Krizhevsky et al. (2012)"."""
        return f"{self.short_authors} ({self.year})"

    @property
    def parenthetical(self) -> str:
        """What a citation in parentheses shows: "Krizhevsky et al., 2012"."""
        return f"{self.short_authors}, {self.year}"

    @property
    def full_authors(self) -> str:
        """Every listed author, given name first: "Vinod Nair and Geoffrey E. Hinton"."""
        if self.organisation:
            return self.authors[0]
        names = [" ".join(reversed([p.strip() for p in a.split(",", 1)])) for a in self.authors]
        if self.et_al:
            return ", ".join(names) + " et al."
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _authors(text: str) -> tuple[str, ...]:
    """``"Family, Given; Family, Given"`` split into a tuple."""
    return tuple(a.strip() for a in text.split(";"))


_NIPS = "Advances in Neural Information Processing Systems"
_ICLR = "International Conference on Learning Representations"
_ARXIV = "arXiv preprint"
_CVPR = "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"

REFERENCES: tuple[Reference, ...] = (
    Reference("rosenblatt1958", _authors("Rosenblatt, Frank"),
              "The perceptron: a probabilistic model for information storage and organization in the brain",
              "Psychological Review 65(6), 386–408", 1958, doi="10.1037/h0042519"),
    Reference("cox1958", _authors("Cox, David R."), "The regression analysis of binary sequences",
              "Journal of the Royal Statistical Society, Series B 20(2)", 1958),
    Reference("rumelhart1986", _authors("Rumelhart, David E.; Hinton, Geoffrey E.; Williams, Ronald J."),
              "Learning representations by back-propagating errors", "Nature 323, 533–536", 1986,
              doi="10.1038/323533a0"),
    Reference("cybenko1989", _authors("Cybenko, George"), "Approximation by superpositions of a sigmoidal function",
              "Mathematics of Control, Signals and Systems 2(4), 303–314", 1989),
    Reference("bridle1990", _authors("Bridle, John S."),
              "Probabilistic interpretation of feedforward classification network outputs, with relationships "
              "to statistical pattern recognition",
              "Neurocomputing: Algorithms, Architectures and Applications, NATO ASI Series F68, Springer", 1990),
    Reference("hornik1991", _authors("Hornik, Kurt"), "Approximation capabilities of multilayer feedforward networks",
              "Neural Networks 4(2), 251–257", 1991),
    Reference("hochreiter1991", _authors("Hochreiter, Sepp"), "Untersuchungen zu dynamischen neuronalen Netzen",
              "Diploma thesis, Institut für Informatik, Technische Universität München", 1991),
    Reference("bengio1994", _authors("Bengio, Yoshua; Simard, Patrice; Frasconi, Paolo"),
              "Learning long-term dependencies with gradient descent is difficult",
              "IEEE Transactions on Neural Networks 5(2), 157–166", 1994),
    Reference("donoho1994", _authors("Donoho, David L.; Johnstone, Iain M."),
              "Ideal spatial adaptation by wavelet shrinkage", "Biometrika 81(3), 425–455", 1994,
              doi="10.1093/biomet/81.3.425"),
    Reference("hochreiter1997", _authors("Hochreiter, Sepp; Schmidhuber, Jürgen"), "Long short-term memory",
              "Neural Computation 9(8), 1735–1780", 1997, doi="10.1162/neco.1997.9.8.1735"),
    Reference("leshno1993", _authors("Leshno, Moshe; Lin, Vladimir Ya.; Pinkus, Allan; Schocken, Shimon"),
              "Multilayer feedforward networks with a nonpolynomial activation function can approximate any "
              "function", "Neural Networks 6(6), 861–867", 1993, doi="10.1016/S0893-6080(05)80131-5"),
    Reference("lecun1998", _authors("LeCun, Yann; Bottou, Léon; Orr, Genevieve B.; Müller, Klaus-Robert"),
              "Efficient BackProp",
              "Neural Networks: Tricks of the Trade, Lecture Notes in Computer Science 1524, Springer", 1998),
    Reference("dugas2001", _authors("Dugas, Charles; Bengio, Yoshua; Bélisle, François; Nadeau, Claude; Garcia, René"),
              "Incorporating second-order functional knowledge for better option pricing",
              f"{_NIPS} 13", 2001),
    Reference("bergstra2009", _authors("Bergstra, James; Desjardins, Guillaume; Lamblin, Pascal; Bengio, Yoshua"),
              "Quadratic polynomials learn better image features",
              "Technical Report 1337, Département d'informatique et de recherche opérationnelle, Université de Montréal",
              2009),
    Reference("nair2010", _authors("Nair, Vinod; Hinton, Geoffrey E."),
              "Rectified linear units improve restricted Boltzmann machines",
              "Proceedings of the 27th International Conference on Machine Learning (ICML)", 2010),
    Reference("gregor2010", _authors("Gregor, Karol; LeCun, Yann"), "Learning fast approximations of sparse coding",
              "Proceedings of the 27th International Conference on Machine Learning (ICML)", 2010),
    Reference("glorot2010", _authors("Glorot, Xavier; Bengio, Yoshua"),
              "Understanding the difficulty of training deep feedforward neural networks",
              "Proceedings of the 13th International Conference on Artificial Intelligence and Statistics "
              "(AISTATS), PMLR 9, 249–256", 2010),
    Reference("glorot2011", _authors("Glorot, Xavier; Bordes, Antoine; Bengio, Yoshua"),
              "Deep sparse rectifier neural networks",
              "Proceedings of the 14th International Conference on Artificial Intelligence and Statistics "
              "(AISTATS), PMLR 15, 315–323", 2011),
    Reference("collobert2011", _authors("Collobert, Ronan; Weston, Jason; Bottou, Léon; Karlen, Michael; "
                                        "Kavukcuoglu, Koray; Kuksa, Pavel"),
              "Natural language processing (almost) from scratch", "Journal of Machine Learning Research 12, 2493–2537",
              2011, arxiv="1103.0398"),
    Reference("krizhevsky2012", _authors("Krizhevsky, Alex; Sutskever, Ilya; Hinton, Geoffrey E."),
              "ImageNet classification with deep convolutional neural networks", f"{_NIPS} 25", 2012),
    Reference("bengio2012", _authors("Bengio, Yoshua"),
              "Practical recommendations for gradient-based training of deep architectures",
              "Neural Networks: Tricks of the Trade, 2nd edition, Lecture Notes in Computer Science 7700, Springer",
              2012, arxiv="1206.5533",
              background="The gradient-flow exercise notebook (which, downloaded on its own, cites by title and "
                         "arXiv identifier) takes from it the sigmoid initialisation four times as wide as tanh's."),
    Reference("maas2013", _authors("Maas, Andrew L.; Hannun, Awni Y.; Ng, Andrew Y."),
              "Rectifier nonlinearities improve neural network acoustic models",
              "ICML Workshop on Deep Learning for Audio, Speech and Language Processing", 2013),
    Reference("graves2013", _authors("Graves, Alex"), "Generating sequences with recurrent neural networks",
              _ARXIV, 2013, arxiv="1308.0850"),
    Reference("mikolov2013", _authors("Mikolov, Tomas; Sutskever, Ilya; Chen, Kai; Corrado, Greg; Dean, Jeffrey"),
              "Distributed representations of words and phrases and their compositionality", f"{_NIPS} 26", 2013,
              arxiv="1310.4546"),
    Reference("cho2014", _authors("Cho, Kyunghyun; van Merriënboer, Bart; Gulcehre, Caglar; Bahdanau, Dzmitry; "
                                  "Bougares, Fethi; Schwenk, Holger; Bengio, Yoshua"),
              "Learning phrase representations using RNN encoder–decoder for statistical machine translation",
              "Proceedings of the 2014 Conference on Empirical Methods in Natural Language Processing (EMNLP)",
              2014, arxiv="1406.1078"),
    Reference("montufar2014", _authors("Montúfar, Guido; Pascanu, Razvan; Cho, Kyunghyun; Bengio, Yoshua"),
              "On the number of linear regions of deep neural networks", f"{_NIPS} 27", 2014,
              arxiv="1402.1869"),
    Reference("simonyan2015", _authors("Simonyan, Karen; Zisserman, Andrew"),
              "Very deep convolutional networks for large-scale image recognition", _ICLR, 2015, arxiv="1409.1556"),
    Reference("ioffe2015", _authors("Ioffe, Sergey; Szegedy, Christian"),
              "Batch normalization: accelerating deep network training by reducing internal covariate shift",
              "Proceedings of the 32nd International Conference on Machine Learning (ICML)", 2015,
              arxiv="1502.03167"),
    Reference("he2015", _authors("He, Kaiming; Zhang, Xiangyu; Ren, Shaoqing; Sun, Jian"),
              "Delving deep into rectifiers: surpassing human-level performance on ImageNet classification",
              "IEEE International Conference on Computer Vision (ICCV)", 2015, arxiv="1502.01852"),
    Reference("kingma2015", _authors("Kingma, Diederik P.; Ba, Jimmy"), "Adam: a method for stochastic optimization",
              _ICLR, 2015, arxiv="1412.6980"),
    Reference("xu2015", _authors("Xu, Bing; Wang, Naiyan; Chen, Tianqi; Li, Mu"),
              "Empirical evaluation of rectified activations in convolutional network", _ARXIV, 2015,
              arxiv="1505.00853"),
    Reference("clevert2016", _authors("Clevert, Djork-Arné; Unterthiner, Thomas; Hochreiter, Sepp"),
              "Fast and accurate deep network learning by exponential linear units (ELUs)", _ICLR, 2016,
              arxiv="1511.07289"),
    Reference("radford2016", _authors("Radford, Alec; Metz, Luke; Chintala, Soumith"),
              "Unsupervised representation learning with deep convolutional generative adversarial networks",
              _ICLR, 2016, arxiv="1511.06434"),
    Reference("he2016", _authors("He, Kaiming; Zhang, Xiangyu; Ren, Shaoqing; Sun, Jian"),
              "Deep residual learning for image recognition",
              "IEEE Conference on Computer Vision and Pattern Recognition (CVPR)", 2016, arxiv="1512.03385"),
    Reference("hendrycks2016", _authors("Hendrycks, Dan; Gimpel, Kevin"), "Gaussian error linear units (GELUs)",
              _ARXIV, 2016, arxiv="1606.08415"),
    Reference("ba2016", _authors("Ba, Jimmy Lei; Kiros, Jamie Ryan; Hinton, Geoffrey E."), "Layer normalization",
              _ARXIV, 2016, arxiv="1607.06450"),
    Reference("dauphin2017", _authors("Dauphin, Yann N.; Fan, Angela; Auli, Michael; Grangier, David"),
              "Language modeling with gated convolutional networks",
              "Proceedings of the 34th International Conference on Machine Learning (ICML)", 2017,
              arxiv="1612.08083"),
    Reference("klambauer2017", _authors("Klambauer, Günter; Unterthiner, Thomas; Mayr, Andreas; Hochreiter, Sepp"),
              "Self-normalizing neural networks", f"{_NIPS} 30", 2017, arxiv="1706.02515"),
    Reference("vaswani2017", _authors("Vaswani, Ashish; Shazeer, Noam; Parmar, Niki; Uszkoreit, Jakob; Jones, Llion; "
                                      "Gomez, Aidan N.; Kaiser, Łukasz; Polosukhin, Illia"),
              "Attention is all you need", f"{_NIPS} 30", 2017, arxiv="1706.03762"),
    Reference("greff2017", _authors("Greff, Klaus; Srivastava, Rupesh K.; Koutník, Jan; Steunebrink, Bas R.; "
                                    "Schmidhuber, Jürgen"),
              "LSTM: a search space odyssey",
              "IEEE Transactions on Neural Networks and Learning Systems 28(10), 2222–2232", 2017,
              arxiv="1503.04069"),
    Reference("ramachandran2018", _authors("Ramachandran, Prajit; Zoph, Barret; Le, Quoc V."),
              "Searching for activation functions", f"{_ICLR}, Workshop Track", 2018, arxiv="1710.05941"),
    Reference("barron2017", _authors("Barron, Jonathan T."), "Continuously differentiable exponential linear units",
              _ARXIV, 2017, arxiv="1704.07483"),
    Reference("elfwing2018", _authors("Elfwing, Stefan; Uchibe, Eiji; Doya, Kenji"),
              "Sigmoid-weighted linear units for neural network function approximation in reinforcement learning",
              "Neural Networks 107", 2018, arxiv="1702.03118"),
    Reference("sandler2018", _authors("Sandler, Mark; Howard, Andrew; Zhu, Menglong; Zhmoginov, Andrey; "
                                      "Chen, Liang-Chieh"),
              "MobileNetV2: inverted residuals and linear bottlenecks",
              "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)", 2018, arxiv="1801.04381"),
    Reference("radford2018", _authors("Radford, Alec; Narasimhan, Karthik; Salimans, Tim; Sutskever, Ilya"),
              "Improving language understanding by generative pre-training", "OpenAI technical report", 2018),
    Reference("devlin2019", _authors("Devlin, Jacob; Chang, Ming-Wei; Lee, Kenton; Toutanova, Kristina"),
              "BERT: pre-training of deep bidirectional transformers for language understanding",
              "Proceedings of NAACL-HLT", 2019, arxiv="1810.04805"),
    Reference("radford2019", _authors("Radford, Alec; Wu, Jeffrey; Child, Rewon; Luan, David; Amodei, Dario; "
                                      "Sutskever, Ilya"),
              "Language models are unsupervised multitask learners", "OpenAI technical report", 2019),
    Reference("openai2019", ("OpenAI",), "gpt-2: src/model.py, the released model code",
              "GitHub repository openai/gpt-2, commit c2dae27c", 2019, organisation=True, date="2019-02-10",
              url="https://github.com/openai/gpt-2/blob/c2dae27c1029770cea40978813f17a5fd545b883/src/model.py"),
    Reference("howard2019", _authors("Howard, Andrew; Sandler, Mark; Chu, Grace; Chen, Liang-Chieh; Chen, Bo; "
                                     "Tan, Mingxing; Wang, Weijun; Zhu, Yukun; Pang, Ruoming; Vasudevan, Vijay; "
                                     "Le, Quoc V.; Adam, Hartwig"),
              "Searching for MobileNetV3", "IEEE/CVF International Conference on Computer Vision (ICCV)", 2019,
              arxiv="1905.02244"),
    Reference("tan2019", _authors("Tan, Mingxing; Le, Quoc V."),
              "EfficientNet: rethinking model scaling for convolutional neural networks",
              "Proceedings of the 36th International Conference on Machine Learning (ICML)", 2019,
              arxiv="1905.11946"),
    Reference("yang2019", _authors("Yang, Greg; Pennington, Jeffrey; Rao, Vinay; Sohl-Dickstein, Jascha; "
                                   "Schoenholz, Samuel S."),
              "A mean field theory of batch normalization", _ICLR, 2019, arxiv="1902.08129"),
    Reference("misra2020", _authors("Misra, Diganta"), "Mish: a self regularized non-monotonic activation function",
              "British Machine Vision Conference (BMVC)", 2020, arxiv="1908.08681"),
    Reference("bochkovskiy2020", _authors("Bochkovskiy, Alexey; Wang, Chien-Yao; Liao, Hong-Yuan Mark"),
              "YOLOv4: optimal speed and accuracy of object detection", _ARXIV, 2020, arxiv="2004.10934"),
    Reference("google2020", ("Google",),
              "EfficientNet-lite: the README of models/official/efficientnet/lite",
              "GitHub repository tensorflow/tpu, commit 07e173cc", 2020, organisation=True, date="2020-03",
              url="https://github.com/tensorflow/tpu/blob/07e173cc1597883918f5d1229b771b96f1c4c211/"
                  "models/official/efficientnet/lite/README.md"),
    Reference("liu2020", _authors("Liu, Renjie"), "Higher accuracy on vision models with EfficientNet-Lite",
              "TensorFlow Blog", 2020, date="2020-03-16",
              url="https://blog.tensorflow.org/2020/03/higher-accuracy-on-vision-models-with-efficientnet-lite.html"),
    Reference("shazeer2020", _authors("Shazeer, Noam"), "GLU variants improve transformer", _ARXIV, 2020,
              arxiv="2002.05202"),
    Reference("dosovitskiy2021", _authors("Dosovitskiy, Alexey; Beyer, Lucas; Kolesnikov, Alexander"),
              "An image is worth 16x16 words: transformers for image recognition at scale", _ICLR, 2021,
              arxiv="2010.11929", et_al=True),
    Reference("chowdhery2023", _authors("Chowdhery, Aakanksha; Narang, Sharan; Devlin, Jacob"),
              "PaLM: scaling language modeling with Pathways", "Journal of Machine Learning Research 24(240), 1–113",
              2023, arxiv="2204.02311", et_al=True),
    Reference("liu2022", _authors("Liu, Zhuang; Mao, Hanzi; Wu, Chao-Yuan; Feichtenhofer, Christoph; "
                                  "Darrell, Trevor; Xie, Saining"),
              "A ConvNet for the 2020s", _CVPR, 2022, arxiv="2201.03545"),
    Reference("touvron2023", _authors("Touvron, Hugo; Lavril, Thibaut; Izacard, Gautier"),
              "LLaMA: open and efficient foundation language models", _ARXIV, 2023, arxiv="2302.13971", et_al=True),
    Reference("keras2023", ("Keras Team",), "keras/backend.py (hard_sigmoid)",
              "GitHub repository keras-team/keras, release v2.15.0", 2023, organisation=True, date="2023-11-06",
              url="https://github.com/keras-team/keras/blob/v2.15.0/keras/backend.py"),
    Reference("gemma2024", ("Gemma Team",), "Gemma: open models based on Gemini research and technology",
              _ARXIV, 2024, arxiv="2403.08295", organisation=True),
    Reference("pytorch2026", ("PyTorch Contributors",), "torch.nn.RReLU",
              "PyTorch 2.13 documentation (the version this site builds with)", 2026, organisation=True,
              date="2026-12-07", url="https://docs.pytorch.org/docs/stable/generated/torch.nn.RReLU.html"),
    Reference("jax2026", ("JAX Authors",), "jax/_src/nn/functions.py, the source of jax.nn",
              "GitHub repository jax-ml/jax, release jax-v0.11.0", 2026, organisation=True, date="2026-07-16",
              url="https://github.com/jax-ml/jax/blob/jax-v0.11.0/jax/_src/nn/functions.py"),
    Reference("keras2026", ("Keras Team",),
              "keras/src/activations/activations.py, keras/src/ops/nn.py, keras/src/layers/activations/ "
              "and the backends' keras/src/backend/*/nn.py",
              "GitHub repository keras-team/keras, release v3.15.1", 2026, organisation=True, date="2026-07-29",
              url="https://github.com/keras-team/keras/tree/v3.15.1/keras/src"),
    Reference("tensorflow2026", ("TensorFlow Authors",),
              "tf.nn API reference: gelu, leaky_relu, elu, silu, softmax, log_softmax",
              "TensorFlow 2.21.0 API documentation (read 2026-12-08)", 2026, organisation=True, date="2026-12-08",
              url="https://www.tensorflow.org/api_docs/python/tf/nn"),
)

_BY_KEY = {r.key: r for r in REFERENCES}


class UnknownReferenceError(KeyError):
    """A citation of a key that names no reference."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def get(key: str) -> Reference:
    """The record for ``key``; an unknown key raises :class:`UnknownReferenceError`."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise UnknownReferenceError(f"unknown reference key {key!r}") from None


def keys() -> tuple[str, ...]:
    """Every key, in the table's (chronological) order."""
    return tuple(_BY_KEY)


def link(page: str = "") -> str:
    """The path from the page ``page`` (relative to ``docs/``) to the References page."""
    return posixpath.relpath(PAGE, posixpath.dirname(page) or ".")


def cite(keys_: Iterable[str], page: str = "") -> str:
    """Markdown citation links, "[Nair and Hinton (2010)](references.md#nair2010)", joined by "; ".

    This is the textual form, for a citation that is part of the sentence ("as
    Nair and Hinton (2010) showed"). ``page`` is the citing page's path under ``docs/``;
    generated fragments, included by top-level pages, leave it empty. An unknown key
    raises UnknownReferenceError.
    """
    target = link(page)
    return "; ".join(f"[{get(k).label}]({target}#{k})" for k in keys_)


def cite_parenthetical(keys_: Iterable[str], page: str = "", *, enclosed: bool = False) -> str:
    """The parenthetical form: "([Nair and Hinton, 2010](references.md#nair2010); [...])".

    ``enclosed`` when the citation already stands inside parentheses of the sentence:
    then no second pair is added ("(as He initialisation does; He et al., 2015)").
    """
    target = link(page)
    inner = "; ".join(f"[{get(k).parenthetical}]({target}#{k})" for k in keys_)
    return inner if enclosed else f"({inner})"
