import numpy as np, warnings
warnings.simplefilter("ignore")
from sklearn import metrics as M
def p(name, v): print(f"{name} = {float(v)!r}")
# binary with ties
y = np.array([0,0,1,1,0,1,0,1,1,0], float)
s = np.array([0.1,0.4,0.35,0.8,0.4,0.4,0.2,0.9,0.1,0.65])
w = np.array([1,2,0.5,1,3,1,0.25,2,1,1.5])
p("aucTies", M.roc_auc_score(y,s)); p("aucTiesWeighted", M.roc_auc_score(y,s,sample_weight=w))
p("apTies", M.average_precision_score(y,s)); p("apTiesWeighted", M.average_precision_score(y,s,sample_weight=w))
p("logloss", M.log_loss(y,s)); p("loglossWeighted", M.log_loss(y,s,sample_weight=w))
p("brier", M.brier_score_loss(y,s)); p("brierWeighted", M.brier_score_loss(y,s,sample_weight=w))
yp = (s > 0.5).astype(float)
for n,f in [("accuracy",M.accuracy_score),("precision",M.precision_score),("recall",M.recall_score),("f1",M.f1_score)]:
    p(n, f(y,yp)); p(n+"Weighted", f(y,yp,sample_weight=w))
yp3 = (s > 0.3).astype(float)
p("f1At03", M.f1_score(y,yp3)); p("precisionAt03Weighted", M.precision_score(y,yp3,sample_weight=w))
# multiclass
ym = np.array([0,2,1,2,0,1])
P = np.array([[0.7,0.2,0.1],[0.1,0.3,0.6],[0.2,0.5,0.3],[0.4,0.4,0.2],[0.5,0.25,0.25],[0.3,0.3,0.4]])
wm = np.array([1,0.5,2,1,3,0.75])
p("multiLogloss", M.log_loss(ym,P)); p("multiLoglossWeighted", M.log_loss(ym,P,sample_weight=wm))
p("multiAccuracy", M.accuracy_score(ym,P.argmax(1))); p("multiAccuracyWeighted", M.accuracy_score(ym,P.argmax(1),sample_weight=wm))
# regression
yr = np.array([3.0,-0.5,2.0,7.0,4.25,0.0])
pr = np.array([2.5,0.0,2.0,8.0,3.5,0.1])
wr = np.array([1,2,0.5,1.5,1,0.25])
for n,f in [("rmse",M.root_mean_squared_error),("mae",M.mean_absolute_error),("r2",M.r2_score),("mape",M.mean_absolute_percentage_error)]:
    p(n, f(yr,pr)); p(n+"Weighted", f(yr,pr,sample_weight=wr))
yc = np.array([1.5,0.0,2.0,4.0,7.0,0.0]); pc = np.array([1.0,0.5,2.5,3.0,6.0,0.2])
p("poisson", M.mean_poisson_deviance(yc,pc)); p("poissonWeighted", M.mean_poisson_deviance(yc,pc,sample_weight=wr))
p("r2ConstantImperfect", M.r2_score([2.,2,2],[2.,2.5,2])); p("r2ConstantPerfect", M.r2_score([2.,2,2],[2.,2,2]))
