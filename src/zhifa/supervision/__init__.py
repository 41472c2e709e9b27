"""执法监督 (记录办法 第十二条至第十四条, 公示办法 第十条, 《行政执法监督条例》): case-file
review (案卷评查), complaints (投诉举报), the accountability report and the 舆情应对 fact
sheet. Statistics and the weak-points dashboard stay in `insight`, which only reads."""
