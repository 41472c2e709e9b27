"""Yearly enforcement figures (公示办法 第三条、第七条第四款): computed from the records and
entered by the sections, reviewed, published by 31 January and exported."""
