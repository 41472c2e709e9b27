"""Audio-video recording rules (《全过程记录办法》 第五条至第七条、第十条): which activities
must be recorded, the recording requirement on steps, continuity and gaps, evidence and
dispute marks and the retention that follows from them."""
