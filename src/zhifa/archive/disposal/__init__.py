"""Disposal (销毁): the monthly due list, the batch workflow (appraisal by a group,
leader approval, two 监销人, execution) and the 销毁清册 kept permanently."""
